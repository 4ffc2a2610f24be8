"""The one way the product sends a message: declare its kind once, then call `send`.

Domain apps sit below messaging (messaging reads shifts, groups and members to find its
audiences), so they cannot import it. This port lives in the kernel instead: each app
declares its kinds in its own `messages.py` (imported from its AppConfig.ready()), and
apps.messaging registers the implementation (`set_sender`) that turns a call into a
Message with its Delivery rows in the outbox: claimed once, retried, with a Message-ID per
delivery. Nothing is rendered here; the outbox renders each mail when it goes out, in the
tenant's language and time zone, from the JSON `params` stored with the message.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

Attachment = tuple[str, bytes, str]  # (file name, content, MIME type)
EVERYONE = "everyone"
COORDINATORS = "coordinators"


def _nothing(params: dict[str, Any]) -> dict[str, Any]:
    return {}


def _no_example() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class MessageKind:
    """One kind of message, declared once.

    `template` is a base name: `<base>_subject.txt`, `<base>.txt` and, when it exists,
    `<base>.html`; a `<base>.txt` without an HTML twin is Markdown put in the shared
    layout. Empty means a written message (its subject and body are stored with it).
    `context` builds the template context from the stored params at render time (inside
    the tenant's schema); `example` builds one from unsaved instances, for previews.
    """

    slug: str
    label: str | Promise
    template: str = ""
    essential: bool = False
    channels: tuple[str, ...] = ("email",)
    switch_off: str | None = EVERYONE  # who may switch it off; None when essential
    bulk: bool = False  # Precedence: bulk (newsletters, digests, info mails)
    preference: str = ""  # obey another kind's switch (a group's digest obeys its posts')
    # Shown in the coordinators' list of what their organisation sent: mails to an
    # audience (info, orientation, reminders), not one person's confirmations and links.
    listed: bool = False
    context: Callable[[dict[str, Any]], dict[str, Any]] = _nothing
    example: Callable[[], dict[str, Any]] = _no_example
    attachments: Callable[[dict[str, Any]], list[Attachment]] | None = None
    # For mails to bare addresses (apps.messaging.services.compose.message_to_addresses):
    # more context for one recipient, from the params and the delivery's address (a
    # personal link); its "link" is also the link of the SMS text.
    recipient: Callable[[dict[str, Any], str], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if len(self.slug) > 40:
            raise ValueError(f"message kind slug too long: {self.slug}")
        if self.essential and self.switch_off is not None:
            raise ValueError(f"essential kind {self.slug} cannot be switched off")

    @property
    def switchable(self) -> bool:
        return not self.essential and self.switch_off is not None


class UnknownKind(LookupError):
    pass


class NoSender(RuntimeError):
    """`send` was called before apps.messaging registered the outbox: never drop a mail."""


_kinds: dict[str, MessageKind] = {}
_sender: Callable[..., Any] | None = None
_withdrawer: Callable[..., int] | None = None
_address_sender: Callable[..., Any] | None = None
_address_forgetter: Callable[..., int] | None = None


def register(message_kind: MessageKind) -> MessageKind:
    """Declare a kind (twice with the same declaration is harmless: ready() may rerun)."""
    known = _kinds.get(message_kind.slug)
    if known is not None and known != message_kind:
        raise ValueError(f"message kind declared twice: {message_kind.slug}")
    _kinds[message_kind.slug] = message_kind
    return message_kind


def kind(slug: str) -> MessageKind:
    try:
        return _kinds[slug]
    except KeyError:
        raise UnknownKind(slug) from None


def kinds() -> list[MessageKind]:
    """Every declared kind, in the order the apps declared them."""
    return list(_kinds.values())


def set_sender(
    sender: Callable[..., Any],
    withdrawer: Callable[..., int] | None = None,
    address_sender: Callable[..., Any] | None = None,
    address_forgetter: Callable[..., int] | None = None,
) -> None:
    """apps.messaging registers its outbox here at start-up."""
    global _sender, _withdrawer, _address_sender, _address_forgetter
    _sender, _withdrawer = sender, withdrawer
    _address_sender, _address_forgetter = address_sender, address_forgetter


def withdraw(dedupe_key: str, *, reason: str) -> int:
    """Stop what is still waiting to go of the message with this key (a post hidden before
    its mail went out). Returns how many deliveries were stopped."""
    if _withdrawer is None:
        raise NoSender("no message sender registered (is apps.messaging installed?)")
    return _withdrawer(dedupe_key, reason=reason)


def send(
    message_kind: MessageKind | str,
    *,
    to: Iterable[int] | QuerySet[Any],
    dedupe_key: str,
    params: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    shift_id: int | None = None,
    author_id: int | None = None,
    subject: str = "",
    body_markdown: str = "",
) -> Any:
    """Put one message for the users `to` (ids or a queryset of users) in the outbox.

    Call it inside the service's transaction: delivery starts when it commits. The
    dedupe key makes it once only: a second call with the same key reaches only people
    the first did not. `params` must be JSON; the kind's `context` reads them back.
    """
    if _sender is None:
        raise NoSender("no message sender registered (is apps.messaging installed?)")
    found = kind(message_kind) if isinstance(message_kind, str) else message_kind
    return _sender(
        found,
        to=to,
        dedupe_key=dedupe_key,
        params=params or {},
        organisation_id=organisation_id,
        shift_id=shift_id,
        author_id=author_id,
        subject=subject,
        body_markdown=body_markdown,
    )


def send_to_addresses(
    message_kind: MessageKind | str,
    *,
    to: Iterable[tuple[str, str]],
    dedupe_key: str,
    params: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    subject: str = "",
    body_markdown: str = "",
) -> Any:
    """Put one message for people WITHOUT an account in the outbox: `to` is (channel,
    address) pairs, e.g. ("email", "a@example.org"), ("sms", "+4512345678").

    Same rules as `send` (inside the service's transaction; the dedupe key makes it once
    only; a later call adds only new addresses). No unsubscribe link: use it for mails the
    person asked for. A per-recipient link comes from the kind's `recipient` context.
    Implemented by apps.messaging.services.compose.message_to_addresses.
    """
    if _address_sender is None:
        raise NoSender("no message sender registered (is apps.messaging installed?)")
    found = kind(message_kind) if isinstance(message_kind, str) else message_kind
    return _address_sender(
        found,
        to=to,
        dedupe_key=dedupe_key,
        params=params or {},
        organisation_id=organisation_id,
        subject=subject,
        body_markdown=body_markdown,
    )


def forget_addresses(addresses: Iterable[str]) -> int:
    """Blank these bare addresses on the outbox's rows without a user (the people behind
    them were deleted); what still waits is not sent. Returns how many rows changed."""
    if _address_forgetter is None:
        raise NoSender("no message sender registered (is apps.messaging installed?)")
    return _address_forgetter(addresses)
