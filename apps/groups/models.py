"""Groups: a page where a set of volunteers and their coordinators post, reply and share
files, and hear about new posts by email.

A group's members are the people a coordinator chose (GroupMember rows with `chosen`) and,
for a group with the event rule, everyone with an active place (confirmed or offered) on
the event, computed live from the sign-ups, never copied: whoever signs up is in, whoever
cancels is out. A GroupMember row with `chosen` False holds only a rule member's own
notification choice; it makes nobody a member (see selectors.group_member_ids).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Event
from kernel.attachments import AttachedFile
from kernel.markdown import markdown_to_html


class Group(models.Model):
    class Rule(models.TextChoices):
        NONE = "none", _("Only the chosen members")
        EVENT = "event", _("Everyone signed up for an event")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(_("members"), max_length=10, choices=Rule, default=Rule.NONE)
    # PROTECT: an event with a group is cancelled, not deleted, so the group keeps its posts.
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # When the last daily digest went out: the next one starts there (never more than a day).
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule="none") | Q(event__isnull=False), name="group_rule_has_event"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class GroupMember(models.Model):
    class Notify(models.TextChoices):
        EACH = "each", _("A mail for each post")
        DAILY = "daily", _("One mail a day with the new posts")
        NONE = "none", _("No mails")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # False: a rule member's notification choice only; membership follows the rule.
    chosen = models.BooleanField(default=True)
    notify = models.CharField(
        _("email about new posts"), max_length=5, choices=Notify, default=Notify.EACH
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.user_id}"


class Post(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))  # Markdown, rendered through an allow-list
    # One level of replies: a reply's parent is always a top-level post.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["group", "parent", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def body_html(self) -> str:
        return markdown_to_html(self.body)


def attachment_path(instance: "PostAttachment", filename: str) -> str:
    # A random folder: a name like groups/2026/11/plan.pdf could be guessed, should the
    # media location ever be served directly.
    return f"groups/{uuid.uuid4().hex}/{filename}"


class PostAttachment(AttachedFile):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    # The tenant's own storage; served only through views.attachment_download.
    file = models.FileField(upload_to=attachment_path, max_length=200)
