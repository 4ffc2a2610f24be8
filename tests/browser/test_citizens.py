"""Citizen matching in a real browser at both widths: axe-core (WCAG 2.1 AA), no sideways
scrolling, and the strict Content-Security-Policy (the `page` fixture fails on anything it
blocks). The coordinator's referral with its suggestions and the referral form, an active
match with its follow-up check-ins and a volunteer's concern, the volunteer's proposal (read
on the phone: at 360 px only), and the citizen's no-sign-in answer page.

Rows are committed from a thread of their own and removed again afterwards (see
test_evaluations.py); the fixture checks the row counts are back where they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.citizens.links import answer_token
from apps.citizens.models import (
    CheckIn,
    CitizenMatch,
    Concern,
    MatchCapacity,
    MatchEvaluation,
    MatchEvaluationResponse,
    Programme,
    Referral,
)
from apps.citizens.services.followups import concern_raise
from apps.citizens.services.matches import (
    match_answer,
    match_confirm,
    match_propose,
    meeting_plan,
)
from apps.citizens.services.referrals import programme_create, referral_create
from apps.members.models import Membership, Profile
from apps.organisations.models import Organisation, OrganisationRole
from tenants.models import Tenant
from tests.apps.citizens.conftest import REFERRAL, SPECIAL
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in
from tests.browser.test_evaluations import check_coordinator_page
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Besøgsvenner (browsertest)"
PREFIX = "borgere.browser"
TOUCHED = (
    User,
    Session,
    Organisation,
    Programme,
    Referral,
    CitizenMatch,
    CheckIn,
    Concern,
    MatchEvaluation,
    MatchEvaluationResponse,
    AuditEvent,
)


@dataclass(frozen=True)
class Matched:
    waiting_id: int  # a referral waiting, with suggestions
    other_id: int  # another referral, whose match has its first meeting planned
    match_id: int
    active_id: int  # a referral whose match is active, a check-in overdue, a concern raised
    token: str
    coordinator: str
    volunteer: str


@pytest.fixture
def matched(nyborg: Tenant) -> Iterator[Matched]:
    def create() -> Matched:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        coordinator = User.objects.create_user(
            f"{PREFIX}.rita@example.dk", PASSWORD, full_name="Rita Koordinator"
        )
        OrganisationRole.objects.create(
            organisation=club, user=coordinator, role=OrganisationRole.Role.COORDINATOR
        )
        volunteers = []
        for name in ("Frida", "Bo"):
            user = User.objects.create_user(
                f"{PREFIX}.{name.lower()}@example.dk", PASSWORD, full_name=f"{name} Besøg"
            )
            Membership.objects.create(user=user, organisation=club, started_on=date(2025, 1, 1))
            Profile.objects.create(
                user=user, status="active", postcode="5800", availability=["tue-afternoon"]
            )
            MatchCapacity.objects.create(user=user, max_matches=2)
            volunteers.append(user)
        programme = programme_create(
            actor=coordinator, organisation=club, name="Besøgsven", allows_self_referral=True
        )
        data = {**REFERRAL}
        waiting = referral_create(
            actor=coordinator, programme=programme, data=data, special_category=SPECIAL
        )
        other = referral_create(
            actor=coordinator, programme=programme, data={**data, "first_name": "Poul"}
        )
        match = match_propose(actor=coordinator, referral=other, volunteer=volunteers[0])
        match_answer(actor=volunteers[0], match=match, accept=True)
        match = meeting_plan(
            actor=coordinator,
            match=match,
            starts_at=timezone.now() + timedelta(days=2),
            place="Nyborg Bibliotek",
        )
        active = _active(coordinator, programme, volunteers[1])
        return Matched(
            waiting.pk,
            other.pk,
            match.pk,
            active.pk,
            answer_token(match=match),
            coordinator.email,
            volunteers[0].email,
        )

    def remove() -> None:
        people = User.objects.filter(email__startswith=PREFIX)
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        referrals = Referral.objects.filter(programme__organisation__name=CLUB)
        matches = CitizenMatch.objects.filter(referral__in=referrals)
        programmes = Programme.objects.filter(organisation__name=CLUB)
        for model, rows in (
            ("citizens.CheckIn", CheckIn.objects.filter(match__in=matches)),
            ("citizens.Concern", Concern.objects.filter(match__in=matches)),
            ("citizens.CitizenMatch", matches),
            ("citizens.Referral", referrals),
            ("citizens.Programme", programmes),
        ):
            ids_of = [str(pk) for pk in rows.values_list("pk", flat=True)]
            AuditEvent.objects.filter(target_type=model, target_id__in=ids_of).delete()
        AuditEvent.objects.filter(
            action__in=["citizens.capacity_set", "citizens.ready_for_new_match"],
            actor_id__in=ids,
        ).delete()
        matches.delete()
        referrals.delete()
        programmes.delete()
        messages_remove(CLUB, people)
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def _active(coordinator: User, programme: Programme, volunteer: User) -> Referral:
    referral = referral_create(
        actor=coordinator, programme=programme, data={**REFERRAL, "first_name": "Karen"}
    )
    match = match_propose(actor=coordinator, referral=referral, volunteer=volunteer)
    match_answer(actor=volunteer, match=match, accept=True)
    meeting = timezone.now() + timedelta(days=1)
    match = meeting_plan(actor=coordinator, match=match, starts_at=meeting, place="Caféen")
    after = meeting + timedelta(hours=2)
    match_confirm(match=match, side="volunteer", yes=True, actor=volunteer, now=after)
    match_confirm(
        match=match, side="citizen", yes=True, actor=coordinator, via="coordinator", now=after
    )
    CheckIn.objects.filter(match=match, months=1).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    concern_raise(actor=volunteer, match=match, text="Karen virker trist.")
    return referral


def test_the_coordinator_sees_suggestions_and_the_form(
    page: Page, site: Site, axe_source: str, matched: Matched
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, f"/borgere/henvisninger/{matched.waiting_id}/"))
    sign_in(page, matched.coordinator)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inger")
    expect(page.locator("main .person-name").first).to_have_text("Bo Besøg")
    check_coordinator_page(page, axe_source, "citizens-referral")

    page.goto(site.url(NYBORG, f"/borgere/henvisninger/{matched.other_id}/"))
    # The link is signed when the page is made: the same match and meeting, a new stamp.
    payload = matched.token.split(":", 1)[0]
    expect(page.locator("#answer-link")).to_have_value(
        re.compile(re.escape(site.url(NYBORG, f"/borgere/svar/{payload}:")))
    )
    check_coordinator_page(page, axe_source, "citizens-match")

    page.goto(site.url(NYBORG, f"/borgere/henvisninger/{matched.active_id}/"))
    expect(page.locator("main form[action*='/opfoelgning/'] button")).to_have_count(3)
    expect(page.get_by_text("Karen virker trist.")).to_be_visible()
    check_coordinator_page(page, axe_source, "citizens-followup")

    page.goto(site.url(NYBORG, "/borgere/henvisning/ny/"))
    expect(page.locator("form .form-hint").first).to_be_visible()
    check_coordinator_page(page, axe_source, "citizens-referral-form")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_coordinator_page(page, axe_source, "citizens-referral-form-errors")

    page.goto(site.url(NYBORG, "/borgere/"))
    expect(page.get_by_role("link", name="Inger", exact=True)).to_be_visible()
    expect(page.locator("#checkins-title + ul").get_by_role("link", name="Karen")).to_be_visible()
    check_coordinator_page(page, axe_source, "citizens-referrals")


@pytest.mark.parametrize("width", [360])  # on a phone: its width only
def test_the_volunteer_reads_the_proposal_on_the_phone(
    page: Page, site: Site, axe_source: str, matched: Matched
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, f"/borgere/mine/{matched.match_id}/"))
    sign_in(page, matched.volunteer)
    expect(page.get_by_text("Poul", exact=True)).to_be_visible()
    expect(page.get_by_text(SPECIAL)).to_have_count(0)
    check_page(page, axe_source, "citizens-proposal")
    page.goto(site.url(NYBORG, "/borgere/mine/"))
    check_page(page, axe_source, "citizens-mine")


def test_the_citizen_answers_without_signing_in(
    page: Page, site: Site, axe_source: str, matched: Matched
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, f"/borgere/svar/{matched.token}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Besøgsven")
    check_page(page, axe_source, "citizens-answer")
    page.goto(site.url(NYBORG, "/borgere/svar/forkert/"))
    check_page(page, axe_source, "citizens-answer-spent")


def test_the_volunteer_ends_the_match_and_both_sides_evaluate(
    page: Page, site: Site, axe_source: str, matched: Matched
) -> None:
    """Bo ends his active match with Karen on his phone, answers the three questions, and
    rests until he asks; Rita fills in Karen's answers from the referral's page."""
    from playwright.sync_api import expect

    bo = f"{PREFIX}.bo@example.dk"
    page.goto(site.url(NYBORG, "/borgere/mine/"))
    sign_in(page, bo)
    page.locator("main a[href*='/borgere/mine/']").first.click()
    page.locator("select[name=reason]").select_option("volunteer_stopped")
    page.locator("form[action*='/afslut/'] button").click()
    evaluation = page.locator("main a[href$='/evaluering/']")
    expect(evaluation).to_be_visible()
    evaluation.click()
    check_page(page, axe_source, "citizens-evaluation-own")
    page.locator("main form button[type=submit]").click()  # nothing chosen: three errors
    expect(page.locator(".error-summary li")).to_have_count(3)
    check_page(page, axe_source, "citizens-evaluation-own-errors")
    for fieldset in page.locator("main fieldset").all():
        fieldset.locator("input[value='4']").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main fieldset")).to_have_count(0)  # the thanks page
    check_page(page, axe_source, "citizens-evaluation-thanks")
    page.goto(site.url(NYBORG, "/borgere/mine/"))
    expect(page.locator("#klar")).to_be_visible()
    check_page(page, axe_source, "citizens-mine-resting")
    page.locator("#klar button").click()
    expect(page.locator("#klar")).to_have_count(0)

    page.context.clear_cookies()
    page.goto(site.url(NYBORG, f"/borgere/henvisninger/{matched.active_id}/"))
    sign_in(page, matched.coordinator)
    section = page.locator("#borgerens-evaluering")
    expect(section).to_be_visible()
    link = section.locator("input.copy-field").input_value()
    check_coordinator_page(page, axe_source, "citizens-referral-ended")
    section.get_by_role("link").click()
    check_coordinator_page(page, axe_source, "citizens-evaluation-citizen")

    page.context.clear_cookies()
    page.goto(link)  # the citizen, without signing in
    expect(page.locator("main fieldset")).to_have_count(3)
    check_page(page, axe_source, "citizens-evaluation-link")
    for fieldset in page.locator("main fieldset").all():
        fieldset.locator("input[value='5']").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main fieldset")).to_have_count(0)
    page.goto(link)
    check_page(page, axe_source, "citizens-evaluation-link-spent")


def test_a_citizen_asks_for_a_volunteer_without_an_account(
    page: Page, site: Site, axe_source: str, matched: Matched
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/borgere/bliv-henvist/"))
    expect(page.locator("#id_website")).to_be_hidden()
    check_page(page, axe_source, "citizens-self-referral")
    page.locator("#id_first_name").fill("Ellen")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_first_name")).to_have_value("Ellen")  # nothing lost
    check_page(page, axe_source, "citizens-self-referral-errors")
