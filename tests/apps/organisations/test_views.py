import pytest

from apps.members.models import MemberNote, Membership
from apps.organisations.models import Organisation, OrganisationRole
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_it_lets_the_system_owner_approve_a_registered_organisation(
    frida, nanna, nyborg, nyborg_client
):
    from django.test import Client

    volunteer = signed_in(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    response = volunteer.post(
        "/organisationer/ny/", {"name": "Strikkeklubben", "kind": "association"}, follow=True
    )
    assert "venter på kommunens godkendelse" in response.content.decode()
    org = Organisation.objects.get(name="Strikkeklubben")
    admin = signed_in(nyborg_client, nanna, nyborg)
    assert "Godkend Strikkeklubben" in admin.get("/organisationer/").content.decode()
    admin.post(f"/organisationer/{org.pk}/godkend/")
    assert Organisation.objects.get(pk=org.pk).is_approved
    assert volunteer.post(f"/organisationer/{org.pk}/godkend/").status_code == 404


def test_it_keeps_member_pages_and_notes_from_other_coordinators(
    roklub, bo, kim, nanna, nyborg, nyborg_client
):
    from django.test import Client

    membership = Membership.objects.create(user=bo, organisation=roklub, started_on="2026-01-01")
    coordinator = signed_in(nyborg_client, nanna, nyborg)
    coordinator.post(f"/organisationer/medlemmer/{membership.pk}/", {"text": "Har trailer"})
    assert MemberNote.objects.get().text == "Har trailer"
    assert (
        "Har trailer"
        in coordinator.get(f"/organisationer/medlemmer/{membership.pk}/").content.decode()
    )
    stranger = signed_in(Client(HTTP_HOST="nyborg.localhost"), kim, nyborg)
    for path in (f"/organisationer/medlemmer/{membership.pk}/", f"/organisationer/{roklub.pk}/"):
        assert stranger.get(path).status_code == 404


def test_it_adds_members_and_invites_coordinators_from_the_organisation_page(
    roklub, bo, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    admin = signed_in(nyborg_client, nanna, nyborg)
    admin.post(f"/organisationer/{roklub.pk}/medlemmer/ny/", {"email": bo.email})
    assert Membership.objects.filter(user=bo, organisation=roklub).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/organisationer/{roklub.pk}/inviter/",
            {"full_name": "Kaj", "email": "kaj@example.dk", "role": "coordinator"},
        )
    assert OrganisationRole.objects.filter(
        user__email="kaj@example.dk", role="coordinator"
    ).exists()
    page = admin.get(f"/organisationer/{roklub.pk}/").content.decode()
    assert "Bo Hansen" in page and "Kaj" in page


def test_it_lets_a_company_invite_an_employee_who_has_no_account(
    in_nyborg, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    company = Organisation.objects.create(name="Danfoss Nyborg", kind="company", is_approved=True)
    admin = signed_in(nyborg_client, nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/organisationer/{company.pk}/medlemmer/ny/",
            {"email": "Emil@Danfoss.dk", "full_name": "Emil Ansat"},
        )
    member = Membership.objects.get(organisation=company)
    assert (member.user.email, member.user.full_name) == ("emil@danfoss.dk", "Emil Ansat")
    assert mail.outbox[-1].to == ["emil@danfoss.dk"] and "/konto/link/" in mail.outbox[-1].body
