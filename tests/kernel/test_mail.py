import pytest
from django.core import mail

from kernel.mail import send_templated_mail

pytestmark = pytest.mark.django_db


def test_it_sends_html_beside_text_where_an_html_template_exists(nyborg):
    context = {"user": type("U", (), {"get_short_name": "Nanna"})(), "tenant": nyborg, "url": "x"}
    send_templated_mail("emails/invitation", context, ["nanna@nyborg.dk"])
    (message,) = mail.outbox
    assert "Nyborg Kommune" in message.subject
    assert [kind for _, kind in message.alternatives] == ["text/html"]


def frida_ish() -> object:
    return type("U", (), {"get_short_name": lambda self: "Frida"})()


def test_it_sends_text_only_where_there_is_no_html_template(nyborg):
    events = [
        type(
            "E",
            (),
            {
                "title": "Havnefest",
                "organisation": type("O", (), {"name": "Klub"})(),
                "starts_at": None,
                "pk": 1,
            },
        )()
    ]
    send_templated_mail(
        "emails/digest",
        {"user": frida_ish(), "events": events, "tenant": nyborg, "base": ""},
        ["frida@example.dk"],
        attach=("a.ics", "BEGIN:VCALENDAR", "text/calendar"),
    )
    (message,) = mail.outbox
    assert message.alternatives == [] and message.attachments[0][0] == "a.ics"
    assert "Frida" in message.body  # the template's every variable was given
