"""No input gives a 5xx: property-based tests (Hypothesis) over every public query parameter
and every public form, with odd text (unicode, NUL, markup, 10,000 characters), huge
numbers and odd dates (9999-12-31, 0001-01-01, 2026-02-30).

Bounded so the file runs in seconds and the same way on every machine: a fixed number of
examples per test, `derandomize=True` (examples follow from the test's name, not a random
seed) and no example database. A 500 also logs an error with a traceback, which
tests/strict.py turns into a failure of its own.

Found this way and fixed (issue 13, item 8): `/?date_to=9999-12-31` (a day past the last
date Python has) and a profile with `max_shifts_per_month=99999` (a smallint column).
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.members.models import Profile
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    # The client and the personas are made once per test, not once per example, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a browser can send (no lone surrogates: they cannot be encoded as UTF-8 at all).
texts = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(["\x00", "a\x00b", "<script>", "%00", "' OR 1=1 --", "ÆØÅ æøå ß 😀", " "]),
    st.integers(min_value=1, max_value=10_000).map(lambda n: "x" * n),
)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 32767, 32768, 99999, 2**31, 2**63, 2**64, 10**40]),
).map(str)
days = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(
        ["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "99999-01-01", "-1", "1.1.2026"]
    ),
)
values = st.one_of(texts, numbers, days)


def params(*names: str) -> st.SearchStrategy[dict[str, str]]:
    """Any subset of the named parameters, each with any odd value."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, values))


def ok(response) -> None:
    assert response.status_code < 500, response.status_code


# --- the two found by hand, kept as plain tests ----------------------------------------


def test_the_marketplace_takes_the_last_day_there_is(nyborg_client, in_nyborg):
    response = nyborg_client.get("/", {"date_to": "9999-12-31", "date_from": "0001-01-01"})
    assert response.status_code == 200
    # "Choose a date between 1900 and 2199." (Danish once the catalogue has it)
    assert 'id="id_date_to_error"' in response.text and "2199" in response.text


def test_a_profile_with_99999_shifts_a_month_is_a_form_error(nyborg_client, nyborg, frida):
    browser = signed_in(nyborg_client, frida, nyborg)
    page = browser.post(reverse("profile"), {"full_name": "Frida", "max_shifts_per_month": "99999"})
    assert page.status_code == 400  # the form again, with its error
    assert "Denne værdi skal være mindre end eller lig 100." in page.text
    assert Profile.objects.get(user=frida).max_shifts_per_month != 99999


# --- public pages, anyone -----------------------------------------------------------------


@FUZZ
@given(query=params("q", "category", "area", "date_from", "date_to", "free_now", "beginners",
                    "organisation", "side"))  # fmt: skip
def test_the_marketplace_filters_take_anything(nyborg_client, in_nyborg, regatta, query):
    ok(nyborg_client.get("/", query))
    ok(nyborg_client.get("/", query, HTTP_HX_REQUEST="true"))


@FUZZ
@given(query=params("n", "next"), event_id=numbers)
def test_an_events_page_takes_any_token_and_id(nyborg_client, regatta, query, event_id):
    ok(nyborg_client.get(reverse("event", args=[regatta.pk]), query))
    ok(nyborg_client.get(f"/arrangementer/{event_id.lstrip('-')}/", query))


@FUZZ
@given(query=params("next"), form=params("username", "password", "next"))
def test_sign_in_takes_anything(nyborg_client, in_nyborg, query, form):
    ok(nyborg_client.get(reverse("login"), query))
    ok(nyborg_client.post(reverse("login"), form))


@FUZZ
@given(query=params("next"), form=params("full_name", "email", "phone", "consent",
                                         "privacy_version", "next"))  # fmt: skip
def test_registering_takes_anything(nyborg_client, in_nyborg, query, form):
    ok(nyborg_client.get(reverse("register"), query))
    ok(nyborg_client.post(reverse("register"), form))


@FUZZ
@given(form=params("email", "next"))
def test_asking_for_a_sign_in_link_takes_anything(nyborg_client, in_nyborg, form):
    ok(nyborg_client.post(reverse("email-link-ask"), form))


# --- a signed-in volunteer ----------------------------------------------------------------


@FUZZ
@given(form=params("over_workload_ok"), shift_id=numbers)
def test_signing_up_for_a_shift_takes_anything(
    nyborg_client, nyborg, frida, morning, form, shift_id
):
    browser = signed_in(nyborg_client, frida, nyborg)
    ok(browser.post(reverse("shift-sign-up", args=[morning.pk]), form))
    ok(browser.post(f"/vagter/{shift_id.lstrip('-')}/tilmeld/", form))


@FUZZ
@given(
    form=params(
        "full_name", "phone", "birth_year", "postcode", "area", "availability",
        "max_shifts_per_month", "max_hours_per_month", "emergency_contact_name",
        "emergency_contact_phone", "pause", "skills", "interests", "languages",
    )
)  # fmt: skip
def test_the_profile_takes_anything(nyborg_client, nyborg, frida, form):
    browser = signed_in(nyborg_client, frida, nyborg)
    ok(browser.post(reverse("profile"), form))


# --- staff pages with date and page parameters --------------------------------------------


@FUZZ
@given(query=params("dato", "vis", "vagt", "side"))
def test_the_planning_pages_take_any_day_and_page(
    nyborg_client, nyborg, nanna_coordinates, regatta, query
):
    browser = signed_in(nyborg_client, nanna_coordinates, nyborg)
    ok(browser.get(reverse("planning"), query))
    ok(browser.get(reverse("planning-grid", args=[regatta.pk]), query))


@FUZZ
@given(query=params("person", "action", "date_from", "date_to", "side", "year", "start", "end",
                    "organisation"))  # fmt: skip
def test_the_audit_log_and_reports_take_any_dates(nyborg_client, nyborg, nanna, query):
    browser = signed_in(nyborg_client, nanna, nyborg)
    ok(browser.get(reverse("privacy-audit-log"), query))
    ok(browser.get(reverse("privacy-audit-log-csv"), query))
    ok(browser.get(reverse("reports"), query))
