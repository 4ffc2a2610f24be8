"""Messages to volunteers and coordinators, and their outbox: one Delivery row per
recipient and channel.

A message is written by a coordinator (info) or made by the system (orientation, reminder,
unfilled-shift alert, group post, waitlist offer). System messages carry a `dedupe_key`
(unique), so making one twice — a duplicated task, two beat ticks — finds the first; the
unique (message, user, channel) triple makes expanding its audience idempotent (and
(message, address, channel) for rows to a bare address without a user); and the
delivery's status makes sending it at most once per claim (see services/outbox.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, Task
from kernel import messages
from kernel.attachments import AttachedFile


class Kind:
    """Slugs of the kinds stored before the registry (kernel.messages); each is declared
    with its label, templates and switch in the messages.py of the app it belongs to."""

    INFO = "info"
    ORIENTATION = "orientation"
    REMINDER = "reminder"
    WAITLIST_OFFER = "offer"
    GROUP = "group"
    EVALUATION = "evaluation"
    DIGEST = "digest"
    UNFILLED = "unfilled"
    CHANGED = "changed"


def registered_kind(value: str) -> None:
    """A message's kind must be declared (kernel.messages.register)."""
    try:
        messages.kind(value)
    except messages.UnknownKind:
        raise ValidationError(
            _("Unknown kind of message: %(kind)s"), params={"kind": value}
        ) from None


def switchable_kind(value: str) -> None:
    """Only kinds someone may switch off have preferences."""
    registered_kind(value)
    if not messages.kind(value).switchable:
        raise ValidationError(_("This kind of message cannot be switched off."))


class Message(models.Model):
    class Audience(models.TextChoices):
        EVENT = "event", _("Everyone signed up for an event")
        TASK = "task", _("Everyone signed up for a task")
        SHIFT = "shift", _("Everyone signed up for a shift")
        WAITLIST = "waitlist", _("The waitlist of a shift")
        MEMBERS = "members", _("The organisation's members")
        GROUP = "group", _("A group")
        COORDINATORS = "coordinators", _("The organisation's coordinators")
        PEOPLE = "people", _("Chosen people")  # listed by the service that made the message
        # audience_id is the event; audience_shifts are the chosen shifts of it.
        SHIFTS = "shifts", _("Everyone signed up for chosen shifts")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    kind = models.CharField(max_length=40, default=Kind.INFO, validators=[registered_kind])
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # None for mails about a person's account (an invitation, a sign-in link).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    # What the kind's context reads back when the mail is rendered (ids, not objects).
    params = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # Written kinds store these; templated kinds render them when the mail goes out.
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body_markdown = models.TextField(_("message"), blank=True)
    audience_kind = models.CharField(max_length=12, choices=Audience)
    audience_id = models.PositiveIntegerField()
    # Narrows an organisation's members to those with this skill, interest or language.
    audience_tag = models.ForeignKey(
        "members.Tag", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_shifts = models.ManyToManyField(Shift, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    send_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_kind_display(self) -> str:
        """The kind's label from the registry (kinds are not fixed choices any more)."""
        return str(messages.kind(self.kind).label)

    @property
    def title(self) -> str:
        """The written subject, or the kind's label for a mail rendered from templates."""
        return self.subject or self.get_kind_display()


class Attachment(AttachedFile):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messages/%Y/%m/")  # the tenant's own storage location


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Unsubscribed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    # None for a delivery to a bare address (someone without an account, e.g. a crisis
    # helper): made by services.compose.message_to_addresses, one per (address, channel).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(max_length=5, choices=Channel, default=Channel.EMAIL)
    address = models.CharField(max_length=254)  # email or phone when the audience was expanded
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's id for the sent message (an ESP's or the SMS gateway's), for bounces.
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)
    # How many SMS segments the gateway was given (billing passes them on); null for mail
    # and for SMS sent before the count was kept.
    segments = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "channel"], name="one_delivery_per_recipient"
            ),
            models.UniqueConstraint(
                fields=["message", "address", "channel"],
                condition=Q(user__isnull=True),
                name="one_delivery_per_address",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.address} ({self.status})"


class Preference(models.Model):
    """A person's choice for one kind of message; no row means the defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preferences"
    )
    kind = models.CharField(max_length=40, validators=[switchable_kind])
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} email={self.email} sms={self.sms}"


class OrientationTemplate(models.Model):
    """Practical information sent by itself a set number of days before each shift of an
    event or of one of its tasks."""

    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="orientations"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="orientations"
    )
    days_before = models.PositiveSmallIntegerField(_("days before the shift"), default=3)
    subject = models.CharField(_("subject"), max_length=200)
    body_markdown = models.TextField(_("message"))
    is_active = models.BooleanField(_("active"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, task__isnull=True)
                | Q(event__isnull=True, task__isnull=False),
                name="orientation_for_event_or_task",
            )
        ]

    def __str__(self) -> str:
        return self.subject
