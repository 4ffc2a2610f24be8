"""The funder report's pages and files: for the programme's own coordinators and admins and
the site's admin (the municipality); a referrer, a volunteer, another organisation's
coordinator and another tenant see nothing. No name of a citizen or volunteer in any of it."""

import io
from datetime import date

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation, OrganisationRole
from tests.apps.reports.funder_world import build_funder_world
from tests.conftest import signed_in
from tests.personas import person

# The frame's (session, user, second factor, the menu's roles ...), the person's
# organisations (report_scope), the programme, and the figures in one statement.
PAGE_QUERIES = 12
NAMES = ("Ingerlise", "Hemmelig", "Ven11x")


def da(message: str) -> str:
    """The page's words in Danish, as the catalogue has them (new ones until the lead's
    next rebuild of it: the English)."""
    with translation.override("da"):
        return translation.gettext(message)


def get(client, path, **params):
    return client.get(path, params, HTTP_HOST="nyborg.localhost")


@pytest.fixture
def funder_world(in_nyborg):
    return build_funder_world()


@pytest.fixture
def coordinator(funder_world):
    """Rikke coordinates the befriending club, whose programme the foundation funds."""
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=funder_world.programmes[0].organisation,
        user=rikke,
        role=OrganisationRole.Role.COORDINATOR,
    )
    return rikke


def url(world, suffix=""):
    return f"/rapporter/bevillingsgivere/{world.programmes[0].pk}/{suffix}"


def test_it_shows_the_coordinator_the_grant_period_with_charts_and_tables(
    client, nyborg, funder_world, coordinator
):
    programme = funder_world.programmes[0]
    programme.grant_starts_on, programme.grant_ends_on = date(2024, 1, 1), date(2025, 12, 31)
    programme.save()
    signed_in(client, coordinator, nyborg)
    response = get(client, url(funder_world))
    assert response.status_code == 200
    assert response.context["period"].start == date(2024, 1, 1)
    page = response.content.decode()
    assert "Fonden" in page and "Besøgsven" in page
    assert page.count('role="img"') == 3  # each chart with a table of the same figures
    assert f"<caption>{da('Referrals and matches per month')}</caption>" in page
    assert da("Hours are not logged for matches, so the report has none.") in page
    for name in NAMES:
        assert name not in page, name
    # The list of programmes shows his own only.
    listing = get(client, "/rapporter/bevillingsgivere/").content.decode()
    assert "Besøgsven" in listing and "Mentor" not in listing


def test_it_shows_the_site_admin_every_programme(client, nyborg, nanna, funder_world):
    signed_in(client, nanna, nyborg)
    listing = get(client, "/rapporter/bevillingsgivere/").content.decode()
    assert "Besøgsven" in listing and "Mentor" in listing
    assert get(client, url(funder_world), year=2025).status_code == 200


def test_it_shows_nobody_else_anything(
    client, nyborg, funder_world, kim, aarhus, anders, aarhus_client
):
    sofie = person("Sofie")
    home_care = Organisation.objects.create(name="Hjemmeplejen", is_approved=True)
    OrganisationRole.objects.create(
        organisation=home_care, user=sofie, role=OrganisationRole.Role.REFERRER
    )
    volunteer = User.objects.get(email="ven11x0@example.dk")  # has matches in the programme
    for outsider in (sofie, volunteer, kim):
        signed_in(client, outsider, nyborg)
        for path in (
            url(funder_world),
            url(funder_world, "eksport/xlsx/"),
            url(funder_world, "eksport/pdf/"),
        ):
            assert get(client, path).status_code == 404, (outsider, path)
        listing = get(client, "/rapporter/bevillingsgivere/")
        if outsider is kim:  # he coordinates: his own programmes, none of the club's
            assert listing.status_code == 200 and "Besøgsven" not in listing.content.decode()
        else:
            assert listing.status_code == 404
    as_anders = signed_in(aarhus_client, anders, aarhus)
    response = as_anders.get(url(funder_world))
    assert response.status_code in (302, 404)
    assert "Besøgsven" not in response.content.decode()


def test_it_asks_a_constant_number_of_queries(client, nyborg, funder_world, coordinator):
    signed_in(client, coordinator, nyborg)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, url(funder_world), year=2025).status_code == 200
        return [q["sql"][:120] for q in captured]

    first = queries()
    assert len(first) == PAGE_QUERIES, first
    build_funder_world(seed=12, referrals=300)
    assert len(queries()) == PAGE_QUERIES


def test_it_refuses_a_reversed_period(client, nyborg, funder_world, coordinator):
    signed_in(client, coordinator, nyborg)
    response = get(client, url(funder_world), start="2025-03-01", end="2025-01-01")
    assert response.status_code == 400
    assert "(1. marts 2025)" in response.content.decode()
    assert (
        get(
            client, url(funder_world, "eksport/pdf/"), start="2025-03-01", end="2025-01-01"
        ).status_code
        == 400
    )
    assert get(client, url(funder_world, "eksport/csv/")).status_code == 404


def test_it_exports_xlsx_and_pdf_without_names_and_with_small_numbers_hidden(
    client, nyborg, funder_world, coordinator
):
    signed_in(client, coordinator, nyborg)
    response = get(client, url(funder_world, "eksport/xlsx/"), year=2025)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Nøgletal"
    values = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert da("Referrals received") in values
    assert not [v for v in values if v in (1, 2)]  # shown as "<3", never as the number
    assert "<3" in values
    text = " ".join(str(v) for v in values)
    for name in NAMES:
        assert name not in text
    response = get(client, url(funder_world, "eksport/pdf/"), year=2025)
    assert response.status_code == 200
    pdf = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Besøgsven" in pdf and da("Referrals received") in pdf
    for name in NAMES:
        assert name not in pdf
    assert AuditEvent.objects.filter(action="reports.funder_export").count() == 2


def test_it_shows_the_evaluations_of_ended_matches_with_few_answers_hidden(
    client, nyborg, funder_world, coordinator, monkeypatch
):
    """Through apps.citizens' reader of the anonymous match evaluations (on the branch
    citizens2 when this was written; here a stand-in with its shape)."""
    from types import SimpleNamespace

    from apps.citizens import selectors

    asked = []

    def scores(*, programme, period):
        asked.append((programme.pk, period))
        return {
            "volunteer": SimpleNamespace(responses=5, mean=4.5),
            "citizen": SimpleNamespace(responses=2, mean=1.5),
        }

    monkeypatch.setattr(selectors, "match_evaluation_scores", scores, raising=False)
    signed_in(client, coordinator, nyborg)
    response = get(client, url(funder_world), year=2025)
    rows = {row["key"]: row for row in response.context["evaluation_rows"]}
    assert [c.text for c in rows["volunteer"]["cells"]] == ["5", "4,5"]
    assert [c.text for c in rows["citizen"]["cells"]] == ["<3", "–"]  # 1,5 stays unsaid
    assert asked == [(funder_world.programmes[0].pk, (date(2025, 1, 1), date(2025, 12, 31)))]
    assert "1,5" not in response.content.decode()
