"""Mail to vendor staff. They live in the public schema, where there is no outbox (each
tenant's schema has its own); their few mails, such as an export's one-time link, go
straight to the mail connection from here, so that apps.messaging stays the one place
that sends mail."""

from django.core.mail import send_mail


def staff_mail_send(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])
