"""Writing, scheduling and sending messages: expanding an audience into outbox rows."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.messaging.models import Attachment, Delivery, Message
from apps.messaging.selectors import (
    audience_organisation,
    audience_users,
    channel_recipients,
    chosen_shifts_of,
)
from apps.messaging.services.outbox import BATCH_SIZE
from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator, require_coordinator
from kernel import messages
from kernel.attachments import check_attachments, stored_fields
from kernel.bulk import bulk_insert
from kernel.tasks import enqueue_on_commit

# Rows per INSERT when an audience is expanded (9 columns: well under PostgreSQL's 65,535
# parameters a statement).
INSERT_BATCH = 5000
PARALLEL_CHAINS = 4  # delivery chains side by side per message (see deliveries_expand)


def message_create(
    *,
    actor: User,
    organisation: Organisation,
    subject: str,
    body_markdown: str,
    audience_kind: str,
    audience_id: int,
    audience_tag_id: int | None = None,
    audience_shift_ids: Iterable[int] = (),
    attachments: Iterable[UploadedFile] = (),
) -> Message:
    """A coordinator's info mail, as a draft; attachments are checked before anything is
    stored, so a refused file loses nothing else of what was written (the form keeps it)."""
    require_coordinator(actor, organisation)
    owner = audience_organisation(kind=audience_kind, audience_id=audience_id)
    if owner is None or owner.pk != organisation.pk:
        raise ValidationError(_("Choose who gets the message."))
    shifts = []
    if audience_kind == Message.Audience.SHIFTS:
        shifts = chosen_shifts_of(event_id=audience_id, shift_ids=audience_shift_ids)
        if not shifts or len(shifts) != len(set(audience_shift_ids)):
            raise ValidationError(_("Choose who gets the message."))
    files = list(attachments)
    check_attachments(files)
    with transaction.atomic():
        message = Message.objects.create(
            organisation=organisation,
            author=actor,
            subject=subject,
            body_markdown=body_markdown,
            audience_kind=audience_kind,
            audience_id=audience_id,
            audience_tag_id=audience_tag_id if audience_kind == Message.Audience.MEMBERS else None,
        )
        message.audience_shifts.set(shifts)
        for upload in files:
            _attach(message, upload)
        audit_record(actor=actor, action="message.create", target=message, kind=audience_kind)
    return message


def _require_coordinator_of(actor: User, message: Message) -> None:
    """A mail about an account has no organisation: nobody may touch it by hand."""
    if message.organisation is None:
        raise NotCoordinator
    require_coordinator(actor, message.organisation)


def _attach(message: Message, upload: UploadedFile) -> Attachment:
    return Attachment.objects.create(message=message, **stored_fields(upload))


def message_schedule(*, actor: User, message_id: int, send_at: datetime) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        _require_coordinator_of(actor, message)
        if message.status not in (Message.Status.DRAFT, Message.Status.SCHEDULED):
            raise ValidationError(_("This message has already been sent."))
        message.status = Message.Status.SCHEDULED
        message.send_at = send_at
        message.save(update_fields=["status", "send_at"])
    return message


def message_send(*, actor: User | None, message_id: int) -> int:
    """Expand the audience into Delivery rows (idempotent) and enqueue delivery batches.

    `actor` None is the scheduler. Returns how many rows were new.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if actor is not None:  # None is the scheduler
            _require_coordinator_of(actor, message)
        if message.status == Message.Status.SENT:
            return 0
        if message.status != Message.Status.SENDING:
            message.status = Message.Status.SENDING
            message.save(update_fields=["status"])
    shift_ids = message.audience_shifts.values_list("pk", flat=True)
    users = audience_users(
        kind=message.audience_kind,
        audience_id=message.audience_id,
        tag_id=message.audience_tag_id,
        shift_ids=shift_ids,
    )
    return deliveries_expand(message=message, users=users)


def deliveries_expand(
    *,
    message: Message,
    users: QuerySet[User],
    channels: tuple[str, ...] = ("email", "sms"),
    new: bool = False,
) -> int:
    """Add one row per recipient and channel they want (rows already there stay as they
    are), then start delivery. Safe to call again: a later call adds only newcomers, which
    is how a reminder also reaches someone who signed up after it first went out. `new`:
    the message was made just now, so every row there is one this call added."""
    # Inserted INSERT_BATCH rows a statement, counted from what each statement returns: a
    # 10,000-person import's information mail is a handful of queries, not hundreds.
    created = 0
    for channel, recipients in channel_recipients(message=message, users=users):
        if channel not in channels:
            continue
        chunk: list[tuple[int, str]] = []
        for user_id, address in recipients.iterator(chunk_size=INSERT_BATCH):
            chunk.append((user_id, address))
            if len(chunk) == INSERT_BATCH:
                created += _insert(message, channel, chunk)
                chunk = []
        created += _insert(message, channel, chunk)
    _start(message, created if new else None)
    return created


def _start(message: Message, total: int | None) -> None:
    """Start the delivery chains of a message; `total` None: count the rows waiting."""
    if total is None:
        pending = Delivery.objects.filter(message_id=message.pk, status=Delivery.Status.PENDING)
        total = pending.count()
    # No savepoint: inside the caller's transaction (a sign-up's notice) it would be two
    # more round trips for nothing; alone, this is a transaction of its own.
    with transaction.atomic(savepoint=False):
        if total and message.status == Message.Status.SENT:
            Message.objects.filter(pk=message.pk).update(status=Message.Status.SENDING)
        # Each chain carries on while full batches keep coming (tasks.deliver_batch), so a
        # few chains side by side keep the workers busy without tasks that find nothing.
        for _chain in range(min(PARALLEL_CHAINS, -(-total // BATCH_SIZE))):
            enqueue_on_commit("apps.messaging.tasks.deliver_batch", message.pk)


def _insert(message: Message, channel: str, rows: list[tuple[int, str]]) -> int:
    """One statement (so atomic by itself); rows already there stay as they are. Returns
    how many rows it added. kernel.bulk_insert sends the two columns that differ as
    arrays: no Delivery objects for an import's 50,000 recipients."""
    return len(
        bulk_insert(
            Delivery,
            {
                "user_id": [user_id for user_id, _address in rows],
                "address": [a for _u, a in rows],
            },
            constants={"message_id": message.pk, "channel": channel},
            ignore_conflicts=True,
        )
    )


def message_notify(
    message_kind: messages.MessageKind,
    *,
    to: Iterable[int] | QuerySet[User],
    dedupe_key: str,
    params: dict,
    organisation_id: int | None = None,
    shift_id: int | None = None,
    author_id: int | None = None,
    subject: str = "",
    body_markdown: str = "",
) -> Message:
    """kernel.messages.send: a message the system makes, to people chosen by the caller.
    The dedupe key makes it once only: calling again with the same key reuses the first
    message and reaches only people not reached yet."""
    message, created = _chosen_people_message(
        message_kind.slug,
        dedupe_key,
        params,
        organisation_id,
        shift_id,
        author_id,
        subject,
        body_markdown,
    )
    deliveries_expand(
        message=message, users=_people(to), channels=message_kind.channels, new=created
    )
    return message


def _chosen_people_message(
    slug: str,
    dedupe_key: str,
    params: dict,
    organisation_id: int | None,
    shift_id: int | None,
    author_id: int | None,
    subject: str,
    body_markdown: str,
) -> tuple[Message, bool]:
    """The message (made once per dedupe key) whose audience the caller lists: users
    (message_notify) or bare addresses (message_to_addresses)."""
    return _notice_get_or_create(
        dedupe_key,
        kind=slug,
        params=params,
        organisation_id=organisation_id,
        subject=subject[:200],
        body_markdown=body_markdown,
        shift_id=shift_id,
        author_id=author_id,
        audience_kind=Message.Audience.PEOPLE,
        audience_id=0,
        status=Message.Status.SENDING,
    )


def message_to_addresses(
    message_kind: messages.MessageKind | str,
    *,
    to: Iterable[tuple[str, str]],
    dedupe_key: str,
    params: dict,
    organisation_id: int | None = None,
    shift_id: int | None = None,
    author_id: int | None = None,
    subject: str = "",
    body_markdown: str = "",
) -> Message:
    """A message the system makes for people WITHOUT an account: bare addresses.

    `to` is (channel, address) pairs: ("email", "a@example.org") or ("sms", "+4512345678");
    pairs on a channel the kind does not declare are left out. Each becomes one Delivery
    with `user` None (unique per message, address and channel), sent by the same outbox as
    every other mail: claimed once, retried, rate-limited, one Message-ID per delivery.

    Like message_notify (kernel.messages.send): call it inside the service's transaction,
    delivery starts when it commits; the dedupe key makes it once only — calling again
    with the same key reuses the message and adds only addresses not there yet.

    Such a recipient has no preferences, so the mail carries no unsubscribe link: use it
    for mails the person asked for (a crisis helper's thanks, an invitation to a need).
    A personal link per recipient (a token) comes from the kind's `recipient_context(params,
    Recipient(None, address))`; its "link" is also the link of the SMS text. Returns the message.
    """
    found = messages.kind(message_kind) if isinstance(message_kind, str) else message_kind
    message, created = _chosen_people_message(
        found.slug, dedupe_key, params, organisation_id, shift_id, author_id, subject, body_markdown
    )
    added = 0
    for channel in found.channels:
        addresses = sorted({address for c, address in to if c == channel and address})
        for start in range(0, len(addresses), INSERT_BATCH):
            chunk = addresses[start : start + INSERT_BATCH]
            added += len(
                bulk_insert(
                    Delivery,
                    {"address": chunk},
                    constants={"message_id": message.pk, "channel": channel, "user_id": None},
                    ignore_conflicts=True,
                )
            )
    _start(message, added if created else None)
    return message


def addresses_forget(addresses: Iterable[str]) -> int:
    """kernel.messages.forget_addresses: the people behind these bare addresses were
    deleted (a crisis's stand-down); their rows stay as counts, without the address, and
    what still waits is skipped. Returns how many rows changed."""
    wanted = sorted(set(addresses))
    changed = 0
    for start in range(0, len(wanted), INSERT_BATCH):
        rows = Delivery.objects.filter(
            user__isnull=True, address__in=wanted[start : start + INSERT_BATCH]
        )
        rows.filter(status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED)
        changed += rows.update(address="")
    return changed


def message_withdraw(dedupe_key: str, *, reason: str) -> int:
    """kernel.messages.withdraw: skip the deliveries of this message still waiting."""
    return Delivery.objects.filter(
        message__dedupe_key=dedupe_key, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.SKIPPED, last_error=reason[:2000])


def _people(to: Iterable[int] | QuerySet[User]) -> QuerySet[User]:
    if isinstance(to, QuerySet):
        return to
    return User.objects.filter(pk__in=list(to), is_active=True).order_by("pk")


def _notice_get_or_create(dedupe_key: str, **fields: object) -> tuple[Message, bool]:
    found = Message.objects.filter(dedupe_key=dedupe_key).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return Message.objects.create(dedupe_key=dedupe_key, **fields), True
    except IntegrityError:  # made at the same moment by a twin task: use that one
        return Message.objects.get(dedupe_key=dedupe_key), False
