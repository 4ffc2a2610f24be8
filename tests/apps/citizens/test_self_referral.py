"""A citizen asks for a volunteer themself through the public form (no account), into an
open programme that allows it: the minimum fields, each saying why; consent recorded as
given by the citizen, now; the coordinators mailed at once; throttled per IP; a bot that
fills in the hidden field gets the receipt and nothing is saved."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from apps.audit.models import AuditEvent
from apps.citizens import crypto
from apps.citizens.models import Programme, Referral
from apps.organisations.models import OrganisationRole

pytestmark = pytest.mark.django_db
FORM = "/borgere/bliv-henvist/"


def _citizen(language: str = "en") -> Client:
    client = Client(HTTP_HOST="nyborg.localhost")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _data(programme: Programme, **changes: object) -> dict[str, object]:
    return {
        "programme": programme.pk,
        "first_name": "Inger",
        "age_band": "80+",
        "postcode": "5800",
        "contact": "61 22 33 44",
        "languages": "Dansk",
        "interests": "Skak",
        "practical_needs": "Rollator",
        "availability": ["tue-afternoon"],
        "note": "Jeg savner nogen at tale med.",
        "special_category": "Let demens.",
        "consent": "on",
        **changes,
    }


@pytest.fixture
def open_to_citizens(programme) -> Programme:
    programme.allows_self_referral = True
    programme.save(update_fields=["allows_self_referral"])
    return programme


def test_a_citizen_refers_herself_and_the_coordinators_hear_at_once(
    nyborg, open_to_citizens, rasmus, kim, django_capture_on_commit_callbacks
):
    citizen = _citizen()
    page = citizen.get(FORM).content.decode()
    assert "Besøgsven" in page and "So the coordinator can call or write to you." in page
    assert "To find a volunteer who lives near you." in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(FORM, _data(open_to_citizens))
    assert response.status_code == 302 and response["Location"] == "/borgere/bliv-henvist/tak/"
    assert "your request is received" in citizen.get(response["Location"]).content.decode()
    referral = Referral.objects.get()
    assert (referral.source, referral.basis, referral.basis_recorded_by) == (
        "self",
        "consent",
        None,
    )
    assert referral.basis_recorded_at == referral.created_at
    assert referral.contact == "61 22 33 44" and referral.referred_by is None
    assert crypto.decrypt(referral.special_category) == "Let demens."
    assert [m.to for m in mail.outbox] == [[rasmus.email]]
    assert "Inger" not in mail.outbox[0].body and "61 22" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="referral.created").count() == 1


def test_a_programme_that_does_not_allow_it_is_not_offered(nyborg, programme, roklub):
    citizen = _citizen()
    page = citizen.get(FORM).content.decode()
    assert "No programme takes requests from citizens right now." in page
    assert "Besøgsven" not in page
    refused = citizen.post(FORM, _data(programme))
    assert refused.status_code == 400 and not Referral.objects.exists()


def test_a_bad_submit_loses_nothing_and_answers_in_danish(nyborg, open_to_citizens):
    citizen = _citizen("da")
    response = citizen.post(FORM, _data(open_to_citizens, postcode="58", consent=""))
    page = response.content.decode()
    assert response.status_code == 400 and not Referral.objects.exists()
    assert "Ret venligst følgende" in page  # the summary, in Danish
    for kept in ("Inger", "61 22 33 44", "Jeg savner nogen at tale med.", "Let demens.", "Skak"):
        assert kept in page, kept
    assert 'value="tue-afternoon"' in page and "checked" in page


def test_a_bot_filling_in_the_hidden_field_gets_a_receipt_and_saves_nothing(
    nyborg, open_to_citizens
):
    citizen = _citizen()
    response = citizen.post(FORM, _data(open_to_citizens, website="http://spam.example"))
    assert response.status_code == 302 and not Referral.objects.exists()
    assert 'name="website"' in citizen.get(FORM).content.decode()


def test_it_is_throttled_per_address(nyborg, open_to_citizens, settings):
    settings.RATELIMIT_SELF_REFERRAL_IP = (2, 3600)
    citizen = _citizen()
    answers = [citizen.post(FORM, _data(open_to_citizens)).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert Referral.objects.count() == 2


def test_with_no_coordinator_the_site_admins_hear_of_it(
    nyborg, open_to_citizens, rasmus, nanna, django_capture_on_commit_callbacks
):
    OrganisationRole.objects.filter(user=rasmus).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _citizen().post(FORM, _data(open_to_citizens))
    assert [m.to for m in mail.outbox] == [[nanna.email]]
