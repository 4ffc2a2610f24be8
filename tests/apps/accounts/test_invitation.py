"""An invited person chooses a password by the link in the invitation (Pia, invited to
Nyborg; Ida has the same id in VisitAarhus's schema). The link works once, for seven days,
and only on the site it was made for."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.accounts.services import invitation_url
from apps.accounts.tasks import send_invitation
from apps.audit.models import AuditEvent
from tests.mails import link_in_mail, path_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "regatta rowing club 2026"


@pytest.fixture
def pia(nyborg) -> User:
    with tenant_context(nyborg):
        return User.objects.get(email="pia@nyborg.dk")


def invitation_path(user: User, tenant) -> str:
    with tenant_context(tenant):
        return path_of(invitation_url(user=user), f"{tenant.schema_name}.localhost")


def choose_password(client, path: str):
    form_page = client.get(path, follow=True)
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return form_page, client.post(set_path, data)


def test_it_mails_the_invitation_once_and_the_link_sets_a_password(
    pia, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    # The outbox delivers when the task's transaction commits.
    with tenant_context(nyborg), django_capture_on_commit_callbacks(execute=True):
        assert send_invitation.delay(pia.pk).get() == pia.email
        assert AuditEvent.objects.filter(action="user.invitation_sent", target_id=str(pia.pk))
    link = link_in_mail("/konto/invitation/", to=pia.email)
    form_page, saved = choose_password(nyborg_client, path_of(link, "nyborg.localhost"))
    assert "Vælg din adgangskode" in form_page.content.decode()
    assert saved.status_code == 302 and saved.url == "/oversigt/"
    assert nyborg_client.get("/konto/").context["user"].email == pia.email
    with tenant_context(nyborg):
        assert User.objects.get(pk=pia.pk).check_password(NEW_PASSWORD)
        # Sent again (a retried task, a second click in the console): nothing goes out.
        assert send_invitation.delay(pia.pk).get() == "already-accepted"
    assert len(mail.outbox) == 1


def test_it_refuses_an_invitation_used_once_already(pia, nyborg, nyborg_client):
    path = invitation_path(pia, nyborg)
    choose_password(nyborg_client, path)
    nyborg_client.logout()
    again = nyborg_client.get(path, follow=True)
    assert "Linket virker ikke længere" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_it_refuses_an_invitation_older_than_seven_days(pia, nyborg, nyborg_client):
    path = invitation_path(pia, nyborg)
    # In the tenant's zone: Django's tokens count in naive local time, and time-machine moves
    # the zone only for a destination with a ZoneInfo.
    with time_machine.travel(timezone.localtime() + timedelta(days=7, minutes=1)):
        form_page, saved = choose_password(nyborg_client, path)
    assert "Linket virker ikke længere" in form_page.content.decode()
    assert saved.status_code == 200 and "Linket virker ikke længere" in saved.content.decode()
    with tenant_context(nyborg):
        assert not User.objects.get(pk=pia.pk).has_usable_password()


def test_it_refuses_nyborgs_invitation_on_visitaarhus(pia, nyborg, aarhus, aarhus_client):
    with tenant_context(aarhus):
        ida = User.objects.get(email="ida@visitaarhus.dk")
    assert ida.pk == pia.pk
    form_page, _saved = choose_password(aarhus_client, invitation_path(pia, nyborg))
    assert "Linket virker ikke længere" in form_page.content.decode()
    with tenant_context(aarhus):
        assert not User.objects.get(pk=ida.pk).has_usable_password()


def test_it_still_takes_an_invitation_on_its_last_day(pia, nyborg, nyborg_client):
    """Sign-in links live 15 minutes; an invitation keeps its week (it may come on a Friday)."""
    path = invitation_path(pia, nyborg)
    with time_machine.travel(timezone.localtime() + timedelta(days=6, hours=23)):
        _form_page, saved = choose_password(nyborg_client, path)
    assert saved.status_code == 302
    with tenant_context(nyborg):
        assert User.objects.get(pk=pia.pk).check_password(NEW_PASSWORD)


def test_it_refuses_a_sign_in_token_as_an_invitation(pia, nyborg, nyborg_client):
    from apps.accounts.services import email_link_tokens

    with tenant_context(nyborg):
        token = email_link_tokens.make_token(pia)
    path = invitation_path(pia, nyborg).rsplit("/", 2)[0] + f"/{token}/"
    form_page, _saved = choose_password(nyborg_client, path)
    assert "Linket virker ikke længere" in form_page.content.decode()
