"""The role-by-action matrix. Personas in Nyborg: Nanna (system-owner admin), Olga (admin of
Nyborg Roklub), Kai (coordinator there), Cora (its contact person), Frida (volunteer),
Kim (coordinator of another organisation). Anders in Aarhus never reaches Nyborg at all:
that is the isolation sweep's job (tests/test_isolation.py), and one check below."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.members.models import Membership
from apps.members.services.memberships import member_note_add, member_notes, membership_add
from apps.organisations.models import Organisation, OrganisationRole
from apps.organisations.services.roles import (
    organisation_approve,
    organisation_register,
    role_invite,
)
from apps.shifts.services.planning import event_create, event_publish, shift_cancel
from apps.shifts.services.signups import shift_sign_up, signup_cancel
from tests.apps.shifts.conftest import person

pytestmark = pytest.mark.django_db
Role = OrganisationRole.Role


@pytest.fixture
def cast(roklub, nanna, frida, kim):
    olga, kai, cora = person("Olga"), person("Kai"), person("Cora")
    for who, role in ((olga, Role.ADMIN), (kai, Role.COORDINATOR), (cora, Role.CONTACT)):
        OrganisationRole.objects.create(organisation=roklub, user=who, role=role)
    return {"nanna": nanna, "olga": olga, "kai": kai, "cora": cora, "frida": frida, "kim": kim}


def allowed(action) -> bool:
    try:
        action()
    except PermissionDenied:
        return False
    return True


def new_event(roklub, actor):
    start = timezone.now() + timedelta(days=3)
    return event_create(
        actor=actor,
        organisation=roklub,
        title="Test",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


ACTIONS = {
    # action name: (callable(cast, fixtures), who may)
    "approve organisation": (
        lambda c, f: organisation_approve(actor=c["actor"], organisation=f["pending"]),
        {"nanna"},
    ),
    "invite a coordinator": (
        lambda c, f: role_invite(
            actor=c["actor"],
            organisation=f["roklub"],
            email="ny@example.dk",
            full_name="Ny",
            role=Role.COORDINATOR,
        ),
        {"nanna", "olga"},
    ),
    "add a member": (
        lambda c, f: membership_add(actor=c["actor"], organisation=f["roklub"], user=f["bo"]),
        {"nanna", "olga", "kai"},
    ),
    "write a note": (
        lambda c, f: member_note_add(actor=c["actor"], membership=f["membership"], text="Hej"),
        {"nanna", "olga", "kai"},
    ),
    "read notes": (
        lambda c, f: list(member_notes(actor=c["actor"], membership=f["membership"])),
        {"nanna", "olga", "kai"},
    ),
    "create an event": (lambda c, f: new_event(f["roklub"], c["actor"]), {"nanna", "olga", "kai"}),
    "publish an event": (
        lambda c, f: event_publish(actor=c["actor"], event=f["regatta"]),
        {"nanna", "olga", "kai"},
    ),
    "cancel a shift": (
        lambda c, f: shift_cancel(actor=c["actor"], shift_id=f["morning"].pk),
        {"nanna", "olga", "kai"},
    ),
    "add someone to a shift": (
        lambda c, f: shift_sign_up(shift_id=f["morning"].pk, user=f["bo"], added_by=c["actor"]),
        {"nanna", "olga", "kai"},
    ),
    "remove someone from a shift": (
        lambda c, f: signup_cancel(signup_id=f["bos_place"].pk, actor=c["actor"]),
        {"nanna", "olga", "kai"},
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", ["nanna", "olga", "kai", "cora", "frida", "kim"])
def test_it_lets_exactly_the_right_roles_act(action, who, cast, roklub, regatta, morning, bo):
    run, may = ACTIONS[action]
    pending = Organisation.objects.create(name="Ny forening")
    membership = Membership.objects.create(
        user=bo, organisation=roklub, started_on=timezone.localdate()
    )
    bos_place = None
    if action == "remove someone from a shift":
        bos_place = shift_sign_up(shift_id=morning.pk, user=bo)
    fixtures = {
        "pending": pending,
        "roklub": roklub,
        "bo": bo,
        "membership": membership,
        "regatta": regatta,
        "morning": morning,
        "bos_place": bos_place,
    }
    assert allowed(lambda: run({"actor": cast[who]}, fixtures)) == (who in may), (who, action)


def test_it_keeps_notes_inside_the_organisation_that_wrote_them(roklub, kim, nanna, bo):
    membership = membership_add(actor=nanna, organisation=roklub, user=bo)
    member_note_add(actor=nanna, membership=membership, text="Kan køre bil")
    with pytest.raises(PermissionDenied):
        list(member_notes(actor=kim, membership=membership))
    assert [n.text for n in member_notes(actor=nanna, membership=membership)] == ["Kan køre bil"]


def test_it_waits_for_the_system_owner_before_listing_a_new_organisation(frida, nanna):
    org = organisation_register(actor=frida, name="Strikkeklubben", kind="association")
    assert not org.is_approved
    assert OrganisationRole.objects.filter(organisation=org, user=frida, role=Role.ADMIN).exists()
    assert organisation_approve(actor=nanna, organisation=org).is_approved
    assert organisation_register(
        actor=nanna, name="Kommunens café", kind="municipal_unit"
    ).is_approved


def test_it_invites_a_coordinator_with_a_sign_in_link(
    roklub, nanna, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        role_invite(
            actor=nanna,
            organisation=roklub,
            email="Kaj@Example.dk",
            full_name="Kaj",
            role=Role.COORDINATOR,
        )
    assert mail.outbox[-1].to == ["kaj@example.dk"] and "/konto/link/" in mail.outbox[-1].body


def test_it_lets_a_company_add_its_employees_as_members(in_nyborg, nanna):
    company = organisation_register(actor=nanna, name="Danfoss Nyborg", kind="company")
    employee = person("Emil")
    membership = membership_add(actor=nanna, organisation=company, user=employee)
    assert membership.organisation.kind == "company" and employee.profile.status == "follower"


def test_it_never_shows_nyborg_people_to_aarhus(anders, aarhus, nyborg, roklub, bo):
    with tenant_context(nyborg):
        Membership.objects.create(user=bo, organisation=roklub, started_on=timezone.localdate())
    with tenant_context(aarhus):
        assert not Membership.objects.exists() and not Organisation.objects.exists()
