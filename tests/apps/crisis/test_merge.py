"""A helper who registers twice is one helper: matched by phone (however it is written)
or by email (in any case); a phone matching one helper and an email another makes one."""

import pytest

from apps.crisis.models import Helper, Invite, Need
from apps.crisis.services import CrisisRefused
from tests.apps.crisis.conftest import register
from tests.personas import in_days

pytestmark = pytest.mark.django_db


def test_it_merges_a_second_registration_by_phone_written_otherwise(flood):
    first = register(flood, phone="12 34 56 78", skills=["practical"], availability=["now"])
    again = register(
        flood,
        phone="+45 12345678",
        name="Ada H.",
        postcode="5853",
        skills=["cooking"],
        availability=["weekend"],
        email="ADA@Example.dk",
    )
    assert again.pk == first.pk and Helper.objects.count() == 1
    helper = Helper.objects.get()
    assert helper.name == "Ada H." and helper.postcode == "5853"
    assert helper.skills == ["cooking", "practical"] and helper.availability == ["now", "weekend"]
    assert helper.email == "ada@example.dk" and helper.registrations == 2  # filled in


def test_it_merges_by_email_in_any_case(flood):
    register(flood, phone="", email="Bo@Example.dk")
    register(flood, phone="87654321", email="bo@example.dk")
    helper = Helper.objects.get()
    assert (helper.phone, helper.email, helper.registrations) == ("+4587654321", "bo@example.dk", 2)


def test_it_makes_one_of_two_helpers_matched_by_phone_and_by_email(flood, nanna):
    by_phone = register(flood, phone="12345678", email="", skills=["driving"])
    by_email = register(flood, phone="", email="ada@example.dk", skills=["care"])
    need = Need.objects.create(
        crisis=flood,
        title="Sandsække",
        place="Havnen",
        postcode="5800",
        starts_at=in_days(1),
        ends_at=in_days(1, 14),
        wanted=5,
    )
    Invite.objects.create(need=need, helper=by_email, invited_by=nanna)
    kept = register(flood, phone="12345678", email="ada@example.dk", skills=["first_aid"])
    assert kept.pk == by_phone.pk
    helper = Helper.objects.get()
    assert helper.skills == ["care", "driving", "first_aid"] and helper.registrations == 3
    assert (helper.phone, helper.email) == ("+4512345678", "ada@example.dk")
    assert Invite.objects.get().helper_id == by_phone.pk  # the invitation moved with it


def test_it_keeps_helpers_of_another_crisis_apart(flood, nanna):
    from apps.crisis.services import crisis_end, crisis_start

    register(flood)
    crisis_end(crisis_id=flood.pk, by=nanna)
    later = crisis_start(organisation=flood.organisation, title="Snestorm", by=nanna)
    register(later)
    assert Helper.objects.count() == 2
    flood.refresh_from_db()
    with pytest.raises(CrisisRefused):
        register(flood)  # the ended crisis takes nobody


def test_it_needs_a_phone_or_an_email(flood):
    with pytest.raises(CrisisRefused):
        register(flood, phone="", email="")
