"""Coordinator references for a volunteer record: asked by the volunteer, written by the
coordinator, put in a record only when the volunteer ticks it (services.record_issue)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.credentials.messages import REFERENCE_ASKED, REFERENCE_WRITTEN
from apps.credentials.models import Reference
from apps.credentials.selectors import reference_choices
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from kernel import messages

MAX_TEXT = 1200  # characters: "a few lines"


class ReferenceRefused(ValueError):
    """The request or the text cannot be taken; the message is for the person."""


def reference_ask(
    *, volunteer: User, organisation: Organisation, coordinator: User, note: str = ""
) -> Reference:
    """Ask `coordinator` of `organisation` (where the volunteer attended) for a reference.
    Asking again while the request is open is the same request (one mail)."""
    allowed = {(role.organisation_id, role.user_id) for role in reference_choices(user=volunteer)}
    if (organisation.pk, coordinator.pk) not in allowed:
        raise ReferenceRefused(
            _("You can ask a coordinator of an organisation you have volunteered for.")
        )
    open_request = Reference.objects.filter(
        volunteer=volunteer,
        organisation=organisation,
        coordinator=coordinator,
        written_at__isnull=True,
    )
    try:
        with transaction.atomic():
            reference = Reference.objects.create(
                volunteer=volunteer,
                organisation=organisation,
                coordinator=coordinator,
                note=note.strip()[:500],
                asked_at=timezone.now(),
            )
            audit_record(
                actor=volunteer,
                action="credential.reference_asked",
                target=reference,
                organisation_id=organisation.pk,
                coordinator_id=coordinator.pk,
            )
            messages.send(
                REFERENCE_ASKED,
                to=[coordinator.pk],
                dedupe_key=f"credential-reference-asked:{reference.pk}",
                params={"reference_id": reference.pk},
                organisation_id=organisation.pk,
            )
    except IntegrityError:  # an open request already (a double click, a second tab)
        return open_request.get()
    return reference


def reference_write(
    *, coordinator: User, reference_id: int, text: str, author_name: str, author_role: str
) -> Reference:
    """The coordinator asked writes (or corrects) the reference. Records already issued keep
    the text they were signed with. Anyone else: Reference.DoesNotExist (a 404)."""
    text, author_name, author_role = text.strip(), author_name.strip(), author_role.strip()
    if not text or not author_name or not author_role:
        raise ReferenceRefused(_("Write the reference, your name and your role."))
    if len(text) > MAX_TEXT:
        raise ReferenceRefused(
            _("Keep the reference to %(count)s characters or fewer.") % {"count": MAX_TEXT}
        )
    with transaction.atomic():
        reference = (
            Reference.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=reference_id, coordinator=coordinator)
            .first()
        )
        if reference is None:
            raise Reference.DoesNotExist
        require_coordinator(coordinator, reference.organisation)
        first = reference.written_at is None
        reference.text, reference.author_name, reference.author_role = (
            text,
            author_name[:200],
            author_role[:200],
        )
        reference.written_at = timezone.now()
        reference.save(update_fields=["text", "author_name", "author_role", "written_at"])
        audit_record(
            actor=coordinator,
            action="credential.reference_written" if first else "credential.reference_changed",
            target=reference,
            volunteer_id=reference.volunteer_id,
        )
        messages.send(
            REFERENCE_WRITTEN,
            to=[reference.volunteer_id],
            dedupe_key=f"credential-reference-written:{reference.pk}",
            params={"reference_id": reference.pk},
            organisation_id=reference.organisation_id,
        )
    return reference
