"""Retention: a closed referral's personal data go `referral_months` after it ended (the
site's retention settings, apps.privacy), through the daily retention run and its dry run;
the anonymous rest stays for the reports."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.citizens.models import CheckIn, CitizenMatch, Concern, Referral
from apps.citizens.services.matches import match_answer, match_propose, meeting_plan
from apps.citizens.services.referrals import referral_create, referral_withdraw
from apps.privacy.models import RetentionSettings
from apps.privacy.services.retention import retention_run
from tests.apps.citizens.conftest import REFERRAL

pytestmark = pytest.mark.django_db


def test_it_deletes_a_closed_referrals_personal_data_after_the_set_months(
    referral, programme, rasmus, sofie, volunteers
):
    now = timezone.now()
    match = match_propose(actor=rasmus, referral=referral, volunteer=volunteers["frida"])
    match_answer(actor=volunteers["frida"], match=match, accept=True)
    meeting_plan(actor=rasmus, match=match, starts_at=now + timedelta(days=1), place="Hjemme")
    CitizenMatch.objects.filter(pk=match.pk).update(
        status="ended", end_reason="citizen_stopped", ended_at=now
    )
    CheckIn.objects.create(match=match, months=1, due_on=now.date(), note="Hun er glad")
    Concern.objects.create(match=match, raised_by=volunteers["frida"], raised_at=now, text="Trist")
    Referral.objects.filter(pk=referral.pk).update(
        status="ended", ended_at=now - timedelta(days=400)
    )
    recent = referral_create(
        actor=sofie, programme=programme, data={**REFERRAL, "first_name": "Poul"}
    )
    referral_withdraw(actor=rasmus, referral=recent, now=now - timedelta(days=200))
    waiting = referral_create(
        actor=sofie, programme=programme, data={**REFERRAL, "first_name": "Karen"}
    )

    assert retention_run(now=now, dry_run=True).referrals_scrubbed == 1
    referral.refresh_from_db()
    assert referral.first_name == "Inger"  # the dry run changed nothing

    assert retention_run(now=now).referrals_scrubbed == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, postcode, note, special_category, languages, practical_needs,"
            " basis_note, age_band, basis, status FROM citizens_referral WHERE id = %s",
            [referral.pk],
        )
        row = cursor.fetchone()
    assert row == ("", "", "", "", "", "", "", "80+", "consent", "ended")
    match.refresh_from_db()
    assert match.meeting_place == "" and match.end_reason == "citizen_stopped"
    assert list(CheckIn.objects.values_list("note", flat=True)) == [""]
    assert list(Concern.objects.values_list("text", flat=True)) == [""]
    assert retention_run(now=now).referrals_scrubbed == 0  # twice is once
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert recent.first_name == "Poul" and waiting.first_name == "Karen"

    # A shorter period set by the site reaches the withdrawn one too.
    RetentionSettings.objects.update_or_create(pk=1, defaults={"referral_months": 6})
    assert retention_run(now=now).referrals_scrubbed == 1


def test_a_coordinator_sees_what_will_be_deleted_when(nyborg, referral, rasmus, kim):
    from tests.apps.citizens.test_views import browser

    ended = timezone.now().replace(year=2026, month=1, day=31, hour=12)
    Referral.objects.filter(pk=referral.pk).update(status="ended", ended_at=ended)
    page = browser(rasmus, nyborg).get("/privatliv/opbevaring/henvisninger/")
    text = page.content.decode()
    assert page.status_code == 200 and "Inger" in text
    assert '<time datetime="2027-01-31' in text  # 12 months after, the rule's own arithmetic
    assert (
        "Inger"
        not in browser(kim, nyborg).get("/privatliv/opbevaring/henvisninger/").content.decode()
    )
