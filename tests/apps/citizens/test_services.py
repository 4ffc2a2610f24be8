"""The services' rules and the database's invariants: who may refer, capacity, one open
match per referral, both yeses before active, a reason to end."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.citizens.models import CitizenMatch, MatchCapacity, Referral
from apps.citizens.services._common import NotTheVolunteer, Refused
from apps.citizens.services.matches import (
    match_answer,
    match_confirm,
    match_end,
    match_propose,
    meeting_plan,
)
from apps.citizens.services.referrals import capacity_set, referral_create, referral_withdraw
from tests.apps.citizens.conftest import REFERRAL

pytestmark = pytest.mark.django_db


def _second(programme, actor) -> Referral:
    return referral_create(
        actor=actor, programme=programme, data={**REFERRAL, "first_name": "Poul"}
    )


def test_only_coordinators_and_referrers_may_refer(programme, frida, kim, sofie, rasmus):
    for outsider in (frida, kim):
        with pytest.raises(PermissionDenied):
            referral_create(actor=outsider, programme=programme, data=dict(REFERRAL))
    assert _second(programme, sofie).source == "professional"
    assert _second(programme, rasmus).source == "coordinator"


def test_it_refuses_a_closed_programme(programme, sofie):
    programme.is_open = False
    programme.save()
    with pytest.raises(Refused):
        referral_create(actor=sofie, programme=programme, data=dict(REFERRAL))


def test_it_proposes_only_ready_members_with_room(referral, programme, rasmus, sofie, volunteers):
    frida, bo = volunteers["frida"], volunteers["bo"]
    with pytest.raises(Refused, match="Onboarding"):
        match_propose(actor=rasmus, referral=referral, volunteer=bo)
    match_propose(actor=rasmus, referral=referral, volunteer=frida)
    other = _second(programme, sofie)
    with pytest.raises(Refused, match="så mange borgere"):  # she carries one (the default)
        match_propose(actor=rasmus, referral=other, volunteer=frida)
    capacity_set(actor=frida, max_matches=2)
    assert match_propose(actor=rasmus, referral=other, volunteer=frida).status == "proposed"


def test_a_referral_has_one_match_under_way(referral, rasmus, volunteers):
    frida = volunteers["frida"]
    match_propose(actor=rasmus, referral=referral, volunteer=frida)
    MatchCapacity.objects.create(user=volunteers["bo"], max_matches=3)
    with pytest.raises(Refused):
        match_propose(actor=rasmus, referral=referral, volunteer=frida)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        CitizenMatch.objects.create(
            referral=referral, volunteer=volunteers["bo"], proposed_at=timezone.now()
        )


def test_the_database_keeps_the_invariants(referral, volunteers):
    base = {"referral": referral, "volunteer": volunteers["frida"], "proposed_at": timezone.now()}
    for broken in (
        {"status": "active"},  # nobody said yes
        {"status": "meeting_planned"},  # no time
        {"status": "ended", "ended_at": timezone.now()},  # no reason
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            CitizenMatch.objects.create(**base, **broken)


def test_only_the_volunteer_answers_a_proposal(referral, rasmus, volunteers, kim):
    match = match_propose(actor=rasmus, referral=referral, volunteer=volunteers["frida"])
    for stranger in (rasmus, kim, volunteers["bo"]):
        with pytest.raises(NotTheVolunteer):
            match_answer(actor=stranger, match=match, accept=True)


def test_a_declined_proposal_lets_the_referral_wait_again(referral, rasmus, volunteers):
    frida = volunteers["frida"]
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=False)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEW
    with pytest.raises(Refused, match="takket nej"):
        match_propose(actor=rasmus, referral=referral, volunteer=frida)


def _planned(referral, rasmus, frida) -> CitizenMatch:
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    return meeting_plan(
        actor=rasmus, match=match, starts_at=timezone.now() + timedelta(days=1), place="Caféen"
    )


def test_a_no_after_the_meeting_ends_the_match_and_the_referral_waits(referral, rasmus, volunteers):
    match = _planned(referral, rasmus, volunteers["frida"])
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(Refused):  # not before the meeting
        match_confirm(
            match=match,
            side="citizen",
            yes=True,
            actor=rasmus,
            via="coordinator",
            now=timezone.now(),
        )
    match_confirm(
        match=match, side="citizen", yes=False, actor=rasmus, via="coordinator", now=later
    )
    match.refresh_from_db()
    referral.refresh_from_db()
    assert (match.status, match.end_reason, match.ended_by) == ("ended", "not_a_fit", "citizen")
    assert referral.status == Referral.Status.NEW


def test_both_yeses_make_it_active_and_either_side_may_end_it(referral, rasmus, volunteers, kim):
    frida = volunteers["frida"]
    match = _planned(referral, rasmus, frida)
    later = timezone.now() + timedelta(days=2)
    match_confirm(match=match, side="volunteer", yes=True, actor=frida, now=later)
    with pytest.raises(PermissionDenied):  # another association's coordinator
        match_confirm(
            match=match, side="citizen", yes=True, actor=kim, via="coordinator", now=later
        )
    match = match_confirm(
        match=match, side="citizen", yes=True, actor=rasmus, via="coordinator", now=later
    )
    assert match.status == "active" and match.citizen_confirmed_via == "coordinator"
    with pytest.raises(PermissionDenied):
        match_end(actor=kim, match=match, reason="other")
    with pytest.raises(Refused):
        match_end(actor=frida, match=match, reason="bored")
    match = match_end(actor=frida, match=match, reason="volunteer_stopped")
    assert (match.status, match.ended_by) == ("ended", "volunteer")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ENDED


def test_a_waiting_referral_may_be_withdrawn(referral, rasmus):
    withdrawn = referral_withdraw(actor=rasmus, referral=referral)
    assert withdrawn.status == Referral.Status.WITHDRAWN and withdrawn.ended_at is not None
