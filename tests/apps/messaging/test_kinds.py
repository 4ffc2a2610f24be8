"""The registry of kinds (kernel.messages): every kind renders its example in Danish and
English with no undefined variable; nothing sends mail but the outbox; and the system
owner's admin has a page listing every kind with a preview (nobody else sees it)."""

import ast
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from apps.messaging.rendering import preview
from apps.organisations.models import OrganisationRole
from kernel import messages
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
UNDEFINED = "UNDEFINED-VARIABLE"
SENDERS = {"send_mail", "send_mass_mail", "EmailMultiAlternatives", "EmailMessage", "mail_admins"}


def _strict_templates() -> list[dict[str, Any]]:
    engines: list[dict[str, Any]] = [dict(engine) for engine in settings.TEMPLATES]
    for engine in engines:
        engine["OPTIONS"] = {**engine.get("OPTIONS", {}), "string_if_invalid": UNDEFINED}
    return engines


@pytest.mark.parametrize("slug", [kind.slug for kind in messages.kinds()])
@pytest.mark.parametrize("locale", ["da", "en"])
def test_it_renders_every_kind_from_its_example(slug, locale, nyborg, in_nyborg):
    nyborg.locale = locale
    with override_settings(TEMPLATES=_strict_templates()), translation.override(locale):
        mail = preview(nyborg, messages.kind(slug))
    assert mail.subject and mail.text.strip() and mail.html
    assert UNDEFINED not in mail.subject + mail.text + mail.html


def test_every_kind_is_declared_once_with_a_sensible_switch():
    for kind in messages.kinds():
        assert (kind.switch_off is None) == kind.essential or kind.preference, kind.slug
        assert set(kind.channels) <= {"email", "sms"}, kind.slug


def test_send_refuses_an_unknown_kind():
    with pytest.raises(messages.UnknownKind):
        messages.send("no-such-kind", to=[], dedupe_key="x")


def _mail_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        name = ""
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            found += [alias.name for alias in node.names if alias.name in SENDERS]
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in SENDERS:
            found.append(name)
    return found


def test_nothing_sends_mail_but_the_outbox():
    """An AST check of every module outside apps/messaging (and the tests)."""
    offenders = {}
    for folder in ("apps", "platform", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            if "messaging" in path.parts or "migrations" in path.parts:
                continue
            calls = _mail_calls(path)
            if calls:
                offenders[str(path.relative_to(ROOT))] = calls
    assert offenders == {}


def test_the_site_admin_sees_every_kind_with_a_preview(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    page = browser.get("/beskeder/typer/").content.decode()
    assert "signup_confirmed" in page and '<th scope="col">' in page
    assert "/beskeder/typer/reminder/" in page
    shown = browser.get("/beskeder/typer/reminder/").content.decode()
    assert "Nyborg Regatta" in shown and "srcdoc=" in shown
    assert "/beskeder/typer/" in browser.get("/indstillinger/").content.decode()


def test_a_coordinator_gets_nothing(nyborg, roklub, frida, nyborg_client):
    OrganisationRole.objects.create(
        organisation=roklub, user=frida, role=OrganisationRole.Role.COORDINATOR
    )
    browser = signed_in(nyborg_client, frida, nyborg)
    assert browser.get("/beskeder/typer/").status_code == 404
    assert browser.get("/beskeder/typer/reminder/").status_code == 404


def test_another_tenants_admin_sees_only_his_own_site(aarhus, anders, aarhus_client):
    browser = signed_in(aarhus_client, anders, aarhus)
    shown = browser.get("/beskeder/typer/signup_confirmed/").content.decode()
    assert "VisitAarhus" in shown and "Nyborg Kommune" not in shown
    assert browser.get("/beskeder/typer/no-such-kind/").status_code == 404
    nyborg_page = browser.get("/beskeder/typer/", HTTP_HOST="nyborg.localhost")
    assert nyborg_page.status_code in (302, 404)  # his session is not Nyborg's


def test_every_kind_has_its_own_test():
    """One test per kind, named after it, in the test_messages.py of an app (or billing)."""
    written = "".join(p.read_text() for p in (ROOT / "tests").rglob("test_messages.py"))
    missing = [k.slug for k in messages.kinds() if f"def test_{k.slug}(" not in written]
    assert missing == []


def test_send_never_drops_a_message_when_no_outbox_is_registered(monkeypatch):
    monkeypatch.setattr(messages, "_sender", None)
    with pytest.raises(messages.NoSender):
        messages.send("info", to=[1], dedupe_key="x")


def test_a_mail_about_an_account_is_listed_for_nobody(nyborg, nanna, frida, nyborg_client):
    message = messages.send("email_link", to=[frida.pk], dedupe_key="x", params={})
    assert message.organisation is None and message.title == str(messages.kind("email_link").label)
    browser = signed_in(nyborg_client, nanna, nyborg)
    assert browser.get(f"/beskeder/{message.pk}/").status_code == 404


def test_a_reminder_stored_before_the_registry_still_goes_out_as_written(
    nyborg, in_nyborg, morning, frida, django_capture_on_commit_callbacks
):
    """Rows made by the old code carry a rendered subject and body and no params."""
    with django_capture_on_commit_callbacks(execute=True):
        messages.send(
            "reminder",
            to=[frida.pk],
            dedupe_key="reminder:old",
            shift_id=morning.pk,
            subject="Påmindelse: gammel række",
            body_markdown="Du er på vagten **Kiosk**.",
        )
    (sent,) = mail.outbox
    assert sent.subject == "Påmindelse: gammel række" and "Kiosk" in sent.body
