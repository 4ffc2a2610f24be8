"""Mails of volunteer records: a volunteer asks a coordinator for a reference, and hears
when it is written. Neither carries the reference's text (the page does, signed in)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.credentials.models import Reference
from apps.organisations.models import Organisation
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _fields(reference: Reference) -> dict[str, Any]:
    tenant = current_tenant()
    return {
        "reference": reference,
        "volunteer": reference.volunteer,
        "organisation": reference.organisation,
        "write_url": tenant_url(tenant, reverse("credential-reference-write", args=[reference.pk])),
        "mine_url": tenant_url(tenant, reverse("credential-mine")),
    }


def _stored(params: dict[str, Any]) -> dict[str, Any]:
    reference = Reference.objects.select_related("volunteer", "organisation").get(
        pk=params["reference_id"]
    )
    return _fields(reference)


def _example() -> dict[str, Any]:
    return _fields(
        Reference(
            pk=1,
            volunteer=User(pk=1, full_name="Frida Hansen", email="frida@example.dk"),
            organisation=Organisation(pk=1, name="Nyborg Roklub"),
            note="Jeg søger job som pædagogmedhjælper.",
            text="Frida har været en stabil og venlig hjælper i kiosken.",
            author_name="Nanna Holm",
            author_role="Frivilligkoordinator",
            asked_at=timezone.now(),
            written_at=timezone.now(),
        )
    )


# Essential: a person asked this coordinator, by name, and waits for the answer.
REFERENCE_ASKED = register(
    MessageKind(
        slug="credential_reference_asked",
        label=_("A volunteer asks for a reference"),
        template="credentials/emails/credential_reference_asked",
        essential=True,
        switch_off=None,
        context=_stored,
        example=_example,
    )
)

REFERENCE_WRITTEN = register(
    MessageKind(
        slug="credential_reference_written",
        label=_("Your reference has been written"),
        template="credentials/emails/credential_reference_written",
        context=_stored,
        example=_example,
    )
)
