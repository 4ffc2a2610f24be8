"""Who may coordinate Nyborg Roklub: every coordinator page, asked by every kind of person.

Nyborg Roklub plans a regatta. Cecilie coordinates the club and Alma is its admin; Nanna is
the system owner's admin. Frida is a member who volunteers; Kim coordinates the scouts, not
the club; Sofie is a social worker who may refer citizens (the role "referrer") and nothing
else; Anders is signed in to VisitAarhus (another tenant) and tries Nyborg's addresses
with that browser. Those who may get the page (200) or its answer (302; 400 for an empty
form); Frida and Kim get 404, never 403, so they cannot even learn that the event, message
or member exists; the signed-out get the sign-in page.

The world is built once for the module, inside one transaction the module rolls back; each
test runs in a savepoint inside it (pytest-django's TestCase), so a POST changes nothing the
next test sees.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.citizens.models import CheckIn, CitizenMatch, MatchEvaluation, Programme, Referral
from apps.crisis.models import Crisis, Need
from apps.evaluations.models import EvaluationRule, Question, Questionnaire
from apps.groups.models import Group
from apps.members.models import Membership, MembershipRequest
from apps.messaging.models import Message
from apps.organisations.models import Organisation, OrganisationRole
from apps.organisations.permissions import NotCoordinator, require_coordinator
from apps.recruitment.models import Application, Posting
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tests.conftest import host_client, signed_in

pytestmark = pytest.mark.django_db

MAY = ("coordinator", "admin", "owner_admin")
MAY_NOT = ("volunteer", "other_coordinator", "referrer")
SIGNED_OUT = ("anonymous", "other_tenant")
ROLES = MAY + MAY_NOT + SIGNED_OUT


@dataclass
class World:
    roklub: Organisation
    event: Event
    task: Task
    shift: Shift
    signup: SignUp
    membership: Membership
    join_request: MembershipRequest
    message: Message
    group: Group
    questionnaire: Questionnaire
    rule: EvaluationRule
    posting: Posting
    application: Application
    programme: Programme
    referral: Referral
    citizen_match: CitizenMatch
    checkin: CheckIn
    need: Need
    people: dict[str, User]
    crisis: Crisis


def _person(name: str, birth_year: int | None = None) -> User:
    return User.objects.create_user(
        f"{name.lower()}@matrix.example.dk", full_name=f"{name} Matrix", birth_year=birth_year
    )


def _build(nanna: User) -> World:
    roklub = Organisation.objects.create(name="Nyborg Roklub", is_approved=True)
    spejderne = Organisation.objects.create(name="Nyborg Spejderne", is_approved=True)
    people = {
        "coordinator": _person("Cecilie"),
        "admin": _person("Alma"),
        "owner_admin": nanna,
        "volunteer": _person("Frida", birth_year=1990),
        "other_coordinator": _person("Kim"),
        "referrer": _person("Sofie"),
    }
    Role = OrganisationRole.Role
    OrganisationRole.objects.create(organisation=roklub, user=people["admin"], role=Role.ADMIN)
    OrganisationRole.objects.create(
        organisation=roklub, user=people["coordinator"], role=Role.COORDINATOR
    )
    OrganisationRole.objects.create(
        organisation=spejderne, user=people["other_coordinator"], role=Role.COORDINATOR
    )
    home_care = Organisation.objects.create(name="Hjemmeplejen", is_approved=True)
    OrganisationRole.objects.create(
        organisation=home_care, user=people["referrer"], role=Role.REFERRER
    )
    frida = people["volunteer"]
    membership = Membership.objects.create(
        user=frida, organisation=roklub, started_on=date(2024, 1, 1)
    )
    start = (timezone.localtime() + timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = Event.objects.create(
        organisation=roklub,
        title="Nyborg Regatta",
        starts_at=start - timedelta(hours=2),
        ends_at=start + timedelta(hours=10),
        status=Event.Status.PUBLISHED,
        address="Havnen 1, 5800 Nyborg",
    )
    task = Task.objects.create(event=event, title="Kiosk", meeting_point="Bådhuset")
    shift = Shift.objects.create(
        task=task,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=2,
        confirmed_count=1,  # Frida's place
    )
    signup = SignUp.objects.create(shift=shift, user=frida, status=SignUp.Status.CONFIRMED)
    jens = _person("Jens")
    join_request = MembershipRequest.objects.create(user=jens, organisation=roklub, message="Hej")
    message = Message.objects.create(
        organisation=roklub,
        author=people["coordinator"],
        subject="Info om regattaen",
        body_markdown="Hej",
        audience_kind=Message.Audience.EVENT,
        audience_id=event.pk,
    )
    group = Group.objects.create(organisation=roklub, name="Regattaholdet")
    questionnaire = Questionnaire.objects.create(organisation=roklub, title="Hvordan gik det?")
    Question.objects.create(
        questionnaire=questionnaire, position=1, kind="scale", text="Hvordan var din vagt?"
    )
    rule = EvaluationRule.objects.create(questionnaire=questionnaire, event=event, delay_hours=1)
    posting = Posting.objects.create(
        organisation=roklub,
        title="Træner",
        opens_on=date(2026, 1, 1),
        status=Posting.Status.PUBLISHED,
    )
    application = Application.objects.create(
        posting=posting, user=jens, motivation="Gerne", consented_at=timezone.now()
    )
    programme = Programme.objects.create(organisation=roklub, name="Besøgsven")
    now = timezone.now()
    referral = Referral.objects.create(
        programme=programme,
        first_name="Inger",
        age_band="80+",
        postcode="5800",
        basis="consent",
        basis_recorded_at=now,
        source="coordinator",
        status="proposed",
        created_at=now,
        status_changed_at=now,
    )
    citizen_match = CitizenMatch.objects.create(
        referral=referral, volunteer=jens, status="accepted", proposed_at=now
    )
    checkin = CheckIn.objects.create(match=citizen_match, months=1, due_on=date(2026, 2, 1))
    # The citizen's evaluation of the match (asked when an active match ends).
    MatchEvaluation.objects.create(
        match=citizen_match, side="citizen", questionnaire=questionnaire, asked_at=now
    )
    # The club coordinates a crisis: its coordinators read the helpers and the needs board.
    crisis = Crisis.objects.create(organisation=roklub, title="Stormflod", started_at=now)
    need = Need.objects.create(
        crisis=crisis,
        title="Sandsække",
        place="Havnen",
        postcode="5800",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        wanted=2,
    )
    return World(
        need=need,
        crisis=crisis,
        programme=programme,
        referral=referral,
        citizen_match=citizen_match,
        checkin=checkin,
        roklub=roklub,
        event=event,
        task=task,
        shift=shift,
        signup=signup,
        membership=membership,
        join_request=join_request,
        message=message,
        group=group,
        questionnaire=questionnaire,
        rule=rule,
        posting=posting,
        application=application,
        people=people,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            nyborg = Tenant.objects.get(schema_name="nyborg")
            with tenant_context(nyborg):
                nanna = User.objects.get(email="nanna@nyborg.dk")
                built = _build(nanna)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, object]] | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def _get(name: str, url: Callable[[World], str]) -> Action:
    return Action(name, "GET", url)


def _post(
    name: str, url: Callable[[World], str], data: Callable[[World], dict[str, object]] | None = None
) -> Action:
    return Action(name, "POST", url, data)


def _both(name: str, url: Callable[[World], str]) -> list[Action]:
    return [_get(name, url), _post(name, url)]


def r(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def event(w: World) -> int:
    return w.event.pk


def task(w: World) -> int:
    return w.task.pk


def shift(w: World) -> int:
    return w.shift.pk


def signup(w: World) -> int:
    return w.signup.pk


def questionnaire(w: World) -> int:
    return w.questionnaire.pk


def capacity(w: World) -> dict[str, object]:
    return {"capacity": 3}


def org(w: World) -> int:
    return w.roklub.pk


ACTIONS: list[Action] = [
    # event planning, create, edit; tasks and shifts
    *_both("planning-event", r("planning-event", event)),
    *_both("planning-event-edit", r("planning-event-edit", event)),
    _post("planning-event-publish", r("planning-event-publish", event)),
    _post("planning-event-cancel", r("planning-event-cancel", event)),
    *_both("planning-event-copy", r("planning-event-copy", event)),
    *_both("planning-task-new", r("planning-task-new", event)),
    *_both("planning-shifts-new", r("planning-shifts-new", task)),
    *_both("planning-shift-time", r("planning-shift-time", shift)),
    _post(
        "planning-shift-capacity", r("planning-shift-capacity", shift), lambda w: {"capacity": 3}
    ),
    _post("planning-shift-cancel", r("planning-shift-cancel", shift)),
    # the shift grid
    _get("planning-grid", r("planning-grid", event)),
    _post("planning-bulk", r("planning-bulk", event)),
    # sign-ups and the waitlist
    _get("planning-roster", r("planning-roster", shift)),
    _post("planning-roster-add", r("planning-roster-add", shift)),
    _post("planning-roster-remove", r("planning-roster-remove", signup)),
    _get("planning-candidates", r("planning-candidates", shift)),
    _get("planning-posting-candidates", r("planning-posting-candidates", lambda w: w.posting.pk)),
    # attendance
    *_both("attendance-roll-call", r("attendance-roll-call", shift)),
    _get("attendance-code", r("attendance-code", shift)),
    _post("attendance-mark", r("attendance-mark", signup), lambda w: {"status": "present"}),
    *_both("attendance-correct", r("attendance-correct", signup)),
    # messaging
    *_both("messaging-new", lambda w: reverse("messaging-new", args=["event", w.event.pk])),
    *_both("messaging-message", r("messaging-message", lambda w: w.message.pk)),
    *_both("messaging-orientations", r("messaging-orientations", event)),
    # groups
    *_both("group-new", r("group-new", org)),
    *_both("group-manage", r("group-manage", lambda w: w.group.pk)),
    _post("group-member-add", r("group-member-add", lambda w: w.group.pk)),
    _post("group-archive", r("group-archive", lambda w: w.group.pk)),
    # evaluations
    *_both(
        "evaluations-questionnaire", r("evaluations-questionnaire", lambda w: w.questionnaire.pk)
    ),
    *_both("evaluations-event", r("evaluations-event", event)),
    _post("evaluations-rule-toggle", r("evaluations-rule-toggle", lambda w: w.rule.pk)),
    _get("evaluations-event-results", r("evaluations-event-results", event)),
    _get("evaluations-task-results", r("evaluations-task-results", task)),
    _get("evaluations-organisation-results", r("evaluations-organisation-results", org)),
    # recruitment pipeline
    _get("recruitment-board", lambda w: f"{reverse('recruitment-board')}?opslag={w.posting.pk}"),
    _post("recruitment-posting-publish", r("recruitment-posting-publish", lambda w: w.posting.pk)),
    _get("recruitment-application", r("recruitment-application", lambda w: w.application.pk)),
    _post("recruitment-move", r("recruitment-move", lambda w: w.application.pk)),
    *_both("recruitment-interview", r("recruitment-interview", lambda w: w.application.pk)),
    # the member register, import and export; join requests
    _get("organisation", r("organisation", org)),
    _post("organisation-invite", r("organisation-invite", org)),
    _post("organisation-add-member", r("organisation-add-member", org)),
    *_both("member", r("member", lambda w: w.membership.pk)),
    _post(
        "membership-request-answer",
        r("membership-request-answer", lambda w: w.join_request.pk),
        lambda w: {"decision": "approve"},
    ),
    *_both("members-import", r("members-import", org)),
    _get("members-export-csv", r("members-export-csv", org)),
    _get("members-export-xlsx", r("members-export-xlsx", org)),
    # citizens matched with volunteers (apps.citizens)
    _get("citizens-referral", r("citizens-referral", lambda w: w.referral.pk)),
    _post(
        "citizens-propose",
        r("citizens-propose", lambda w: w.referral.pk, lambda w: w.people["volunteer"].pk),
    ),
    _post("citizens-meeting", r("citizens-meeting", lambda w: w.citizen_match.pk)),
    _post("citizens-withdraw", r("citizens-withdraw", lambda w: w.referral.pk)),
    _post(
        "citizens-citizen-answer",
        r("citizens-citizen-answer", lambda w: w.citizen_match.pk),
        lambda w: {"answer": "yes"},
    ),
    _post(
        "citizens-end",
        r("citizens-end", lambda w: w.citizen_match.pk),
        lambda w: {"reason": "other"},
    ),
    _get(
        "citizens-evaluation-citizen",
        r("citizens-evaluation-citizen", lambda w: w.citizen_match.pk),
    ),
    _post(
        "citizens-checkin",
        r("citizens-checkin", lambda w: w.checkin.pk),
        lambda w: {"note": "Det går godt."},
    ),
    # crisis mode: the helpers of the crisis the club coordinates
    _get("crisis:helpers", lambda w: reverse("crisis:helpers")),
    # crisis mode's needs board (apps.crisis.needs_views)
    *_both("crisis:needs", lambda w: reverse("crisis:needs")),
    _get("crisis:need", r("crisis:need", lambda w: w.need.pk)),
    _post("crisis:need-invite", r("crisis:need-invite", lambda w: w.need.pk)),
    _post("crisis:need-close", r("crisis:need-close", lambda w: w.need.pk)),
    # reports
    _get("reports", lambda w: f"{reverse('reports')}?organisation={w.roklub.pk}"),
    _get(
        "reports-export",
        lambda w: f"{reverse('reports-export', args=['csv'])}?organisation={w.roklub.pk}",
    ),
    # the funder report of the club's programme (apps.reports.funder)
    _get("reports-funder", r("reports-funder", lambda w: w.programme.pk)),
    _get(
        "reports-funder-export",
        lambda w: reverse("reports-funder-export", args=[w.programme.pk, "xlsx"]),
    ),
    _get(
        "reports-funder-export-pdf",
        lambda w: reverse("reports-funder-export", args=[w.programme.pk, "pdf"]),
    ),
]


def _browser(role: str, world: World, nyborg: Tenant, aarhus: Tenant) -> Client:
    client = host_client("nyborg.localhost")
    if role == "anonymous":
        return client
    if role == "other_tenant":
        with tenant_context(aarhus):
            anders = User.objects.get(email="anders@visitaarhus.dk")
        return signed_in(client, anders, aarhus)  # Aarhus's session cookie, on Nyborg's host
    return signed_in(client, world.people[role], nyborg)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_it_lets_only_the_clubs_coordinators_coordinate(
    world: World, action: Action, role: str, nyborg: Tenant, aarhus: Tenant
) -> None:
    browser = _browser(role, world, nyborg, aarhus)
    with tenant_context(nyborg):
        url = action.url(world)
        data = action.data(world) if action.data else {}
    response = browser.get(url) if action.method == "GET" else browser.post(url, data)
    status = response.status_code
    if role in MAY:
        assert status in (200, 302, 400), f"{role} {action}: {status}"
        if status == 302:
            assert "/konto/log-ind/" not in response["Location"]
    elif role in MAY_NOT:
        assert status == 404, f"{role} {action}: {status}"
    else:
        assert status == 302, f"{role} {action}: {status}"
        assert response["Location"].startswith(reverse("login")), response["Location"]


def test_it_covers_every_kind_of_coordinator_page() -> None:
    covered = {action.name for action in ACTIONS}
    for prefix in ("planning-", "attendance-", "messaging-", "group-", "evaluations-", "citizens-"):
        assert any(name.startswith(prefix) for name in covered), prefix
    assert {"recruitment-move", "members-import", "reports", "member"} <= covered
    assert {"reports-funder", "reports-funder-export"} <= covered
    assert {"crisis:needs", "crisis:need", "crisis:need-invite", "crisis:need-close"} <= covered


# Pages across the organisations one coordinates: any coordinator may (Kim sees his scouts),
# a volunteer who coordinates nothing gets 404.
ACROSS = [
    "planning",
    "planning-event-new",
    "messaging",
    "recruitment-board",
    "recruitment-posting-new",
    "evaluations",
    "evaluations-questionnaire-new",
    "attendance-no-shows",
    "reports",
    "reports-funders",
    "citizens-referrals",
    "citizens-referral-new",
    "citizens-programme-new",
    "privacy-referral-deletions",
]
# A referrer may refer (and see the receipt), and reach no other page of the matrix.
REFERRER_MAY = ("citizens-referral-new",)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ACROSS)
def test_it_shows_pages_across_organisations_to_every_coordinator_only(
    world: World, name: str, role: str, nyborg: Tenant, aarhus: Tenant
) -> None:
    browser = _browser(role, world, nyborg, aarhus)
    response = browser.get(reverse(name))
    status = response.status_code
    if role in (*MAY, "other_coordinator") or (role == "referrer" and name in REFERRER_MAY):
        assert status == 200, f"{role} {name}: {status}"
    elif role in ("volunteer", "referrer"):
        assert status == 404, f"{role} {name}: {status}"
    else:
        assert status == 302, f"{role} {name}: {status}"
        assert response["Location"].startswith(reverse("login")), response["Location"]


# The reserve pool's call-outs (apps.reserve) go to the whole site's pool: the system
# owner's admin only; the club's own coordinators and admins get 404 like a volunteer.
RESERVE = ("reserve-callouts",)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESERVE)
def test_it_shows_the_reserve_pools_call_outs_to_the_site_admin_only(
    world: World, name: str, role: str, nyborg: Tenant, aarhus: Tenant
) -> None:
    browser = _browser(role, world, nyborg, aarhus)
    status = browser.get(reverse(name)).status_code
    if role == "owner_admin":
        assert status == 200, f"{role} {name}: {status}"
    elif role in SIGNED_OUT:
        assert status == 302, f"{role} {name}: {status}"
    else:
        assert status == 404, f"{role} {name}: {status}"


def test_it_refuses_in_services_with_a_permission_denied(world: World, nyborg: Tenant) -> None:
    # Services keep their contract (PermissionDenied); only the web answers 404.
    with tenant_context(nyborg), pytest.raises(NotCoordinator) as refused:
        require_coordinator(world.people["other_coordinator"], world.roklub)
    assert isinstance(refused.value, PermissionDenied)
