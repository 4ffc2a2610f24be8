"""GDPR art. 14: Nanna imports Nyborg Roklub's old member list, or adds someone by email;
each new person gets one information mail (essential, in the tenant's language, through
the outbox) telling who holds their data, what, why, where it came from and their rights,
and that it was sent is recorded and shown on the member's page. People already
registered get nothing (they were told when they registered). Anders sees none of it."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.legal.models import Consent
from apps.members.imports.parsing import read_table
from apps.members.imports.services import members_import
from apps.members.models import Membership
from apps.messaging.models import Delivery, Message
from apps.organisations.models import OrganisationRole
from apps.organisations.services.roles import role_invite
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

CSV = (
    "Navn;E-mail;Mobil\n"
    "Søren Ærø;soren@example.dk;12 34 56 78\n"
    "Åse Østergård;ase@example.dk;87654321\n"
    "Jens Jensen;jens@example.dk;\n"
)


def run_import(actor, organisation, text: str):
    table = read_table(text.encode(), "liste.csv")
    return members_import(actor=actor, organisation=organisation, table=table, filename="l.csv")


def test_it_tells_each_imported_person_once_in_the_tenants_language(
    nyborg, nanna, roklub, frida, django_capture_on_commit_callbacks
):
    csv = CSV + f"Frida Hansen;{frida.email};\n"  # registered herself: not told again
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(nanna, roklub, csv)
    assert (result.created, result.joined) == (3, 1)
    (message,) = Message.objects.filter(kind="information_notice")  # one for the import
    deliveries = Delivery.objects.filter(message=message)
    assert sorted(deliveries.values_list("address", flat=True)) == [
        "ase@example.dk",
        "jens@example.dk",
        "soren@example.dk",
    ]
    assert set(deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    sent = [m for m in mail.outbox if "har registreret dig på" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(deliveries.values_list("address", flat=True))
    text = sent[0].body
    assert "Nyborg Roklub har importeret dit navn" in text and "Datatilsynet" in text
    assert "dataansvarlig" in text and "/privatliv/" in text
    rows = Consent.objects.filter(purpose=Consent.Purpose.INFORMATION_NOTICE)
    assert rows.count() == 3 and not rows.filter(user=frida).exists()
    row = rows.get(user__email="soren@example.dk")
    assert (row.basis, row.method, row.channel) == ("information", "import", "email")
    assert row.sent_message_id == message.pk and row.version.number == 1
    assert row.organisation_name == "Nyborg Roklub"


def test_it_sends_nothing_twice_when_the_same_file_is_imported_again(
    nyborg, nanna, roklub, django_capture_on_commit_callbacks
):
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run_import(nanna, roklub, CSV)
    assert Delivery.objects.filter(message__kind="information_notice").count() == 3
    assert Consent.objects.filter(purpose=Consent.Purpose.INFORMATION_NOTICE).count() == 3


def test_it_tells_a_person_a_coordinator_adds_and_shows_it_on_the_member_page(
    nyborg, nanna, roklub, nyborg_client, django_capture_on_commit_callbacks
):
    admin = signed_in(nyborg_client, nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/organisationer/{roklub.pk}/medlemmer/ny/",
            {"email": "emil@example.dk", "full_name": "Emil Ny"},
        )
    with tenant_context(nyborg):
        emil = User.objects.get(email="emil@example.dk")
        row = Consent.objects.get(user=emil, purpose=Consent.Purpose.INFORMATION_NOTICE)
        assert row.method == Consent.Method.COORDINATOR
        membership = Membership.objects.get(user=emil, organisation=roklub)
    (sent,) = [m for m in mail.outbox if "har registreret dig på" in m.subject]
    assert sent.to == ["emil@example.dk"] and "En koordinator i Nyborg Roklub" in sent.body
    page = admin.get(f"/organisationer/medlemmer/{membership.pk}/").content.decode()
    assert "Informeret efter art. 14" in page and "privatlivspolitik version 1" in page
    account = signed_in(nyborg_client, emil, nyborg).get("/konto/").content.decode()
    assert "Oplysning om dine data (art. 14)" in account and "Tilføjet af en koordinator" in account


def test_a_person_already_registered_is_not_told_again(
    nyborg, nanna, roklub, frida, nyborg_client, django_capture_on_commit_callbacks
):
    admin = signed_in(nyborg_client, nanna, nyborg)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/organisationer/{roklub.pk}/medlemmer/ny/", {"email": frida.email})
    with tenant_context(nyborg):
        assert not Message.objects.filter(kind="information_notice").exists()
        membership = Membership.objects.get(user=frida, organisation=roklub)
    page = admin.get(f"/organisationer/medlemmer/{membership.pk}/").content.decode()
    assert "Informeret efter art. 14" not in page


def test_another_tenant_sees_none_of_it(
    nyborg, aarhus, nanna, anders, roklub, aarhus_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(nanna, roklub, CSV)
    with tenant_context(aarhus):
        assert (
            not Consent.objects.exists()
            or not Consent.objects.filter(purpose=Consent.Purpose.INFORMATION_NOTICE).exists()
        )
        assert not Message.objects.filter(kind="information_notice").exists()
    page = signed_in(aarhus_client, anders, aarhus).get("/konto/").content.decode()
    assert "art. 14" not in page and "Nyborg Roklub" not in page


def test_it_tells_a_coordinator_invited_by_email_but_not_someone_already_registered(
    nyborg, nanna, roklub, frida, django_capture_on_commit_callbacks
):
    OrganisationRole.objects.create(organisation=roklub, user=nanna, role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        role_invite(
            actor=nanna,
            organisation=roklub,
            email="ny@example.dk",
            full_name="Ny Koordinator",
            role="coordinator",
        )
        role_invite(
            actor=nanna, organisation=roklub, email=frida.email, full_name="", role="coordinator"
        )
    (row,) = Consent.objects.filter(purpose=Consent.Purpose.INFORMATION_NOTICE)
    assert (row.user.email, row.method) == ("ny@example.dk", "coordinator")
    (message,) = Message.objects.filter(kind="information_notice")
    assert list(message.deliveries.values_list("address", flat=True)) == ["ny@example.dk"]
