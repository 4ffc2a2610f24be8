"""Reads for groups: who is in a group, who may see it, and its page."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.groups.models import Group, GroupMember, Post, PostAttachment
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by
from apps.shifts.models import SignUp

# An active place on the event: the same people an info mail to the event reaches.
ON_EVENT = (SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)


def _rule_user_ids(group: Group) -> QuerySet:
    if group.rule == Group.Rule.EVENT and group.event_id:
        return SignUp.objects.filter(
            shift__task__event_id=group.event_id, status__in=ON_EVENT
        ).values("user_id")
    return SignUp.objects.none().values("user_id")


def _chosen_user_ids(group: Group) -> QuerySet:
    return GroupMember.objects.filter(group=group, chosen=True).values("user_id")


def group_members(*, group: Group) -> QuerySet[User]:
    """Active users in the group, once each: the chosen ones and those the rule lets in."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=_chosen_user_ids(group)) | Q(pk__in=_rule_user_ids(group)))
        .order_by("pk")
    )


def group_members_by_id(*, group_id: int) -> QuerySet[User]:
    group = Group.objects.filter(pk=group_id).first()
    return group_members(group=group) if group else User.objects.none()


def group_organisation(*, group_id: int) -> Organisation | None:
    """For messaging: the organisation owning a group (an audience of info mails)."""
    group = Group.objects.select_related("organisation").filter(pk=group_id).first()
    return group.organisation if group else None


def is_member(*, user: User, group: Group) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return group_members(group=group).filter(pk=user.pk).exists()


def can_see(*, user: User, group: Group) -> bool:
    """Members and the organisation's coordinators; everyone else is told it does not exist."""
    return is_member(user=user, group=group) or can_coordinate(
        user=user, organisation=group.organisation
    )


def groups_of(*, user: User) -> QuerySet[Group]:
    """The open groups a person is a member of, chosen or by rule."""
    on_events = SignUp.objects.filter(user=user, status__in=ON_EVENT).values(
        "shift__task__event_id"
    )
    chosen = GroupMember.objects.filter(user=user, chosen=True).values("group_id")
    return (
        Group.objects.filter(archived_at__isnull=True)
        .filter(Q(pk__in=chosen) | Q(rule=Group.Rule.EVENT, event_id__in=on_events))
        .select_related("organisation")
    )


def groups_managed_by(*, user: User) -> QuerySet[Group]:
    organisations = organisations_coordinated_by(user=user)
    return Group.objects.filter(organisation__in=organisations).select_related(
        "organisation", "event"
    )


def notify_choice(*, user: User, group: Group) -> str:
    row = GroupMember.objects.filter(group=group, user=user).first()
    return row.notify if row else GroupMember.Notify.EACH


def notify_recipients(*, group: Group, notify: str) -> QuerySet[User]:
    """Members whose choice for this group is `notify`; no row means 'each'."""
    rows = GroupMember.objects.filter(group=group)
    members = group_members(group=group)
    if notify == GroupMember.Notify.EACH:
        return members.exclude(
            pk__in=rows.exclude(notify=GroupMember.Notify.EACH).values("user_id")
        )
    return members.filter(pk__in=rows.filter(notify=notify).values("user_id"))


def chosen_members(*, group: Group) -> QuerySet[GroupMember]:
    return (
        GroupMember.objects.filter(group=group, chosen=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def group_posts(*, group: Group, show_hidden: bool) -> QuerySet[Post]:
    """Top-level posts, newest first, each with its replies (oldest first) and files, in a
    fixed number of queries however many there are."""
    visible = Q() if show_hidden else Q(hidden_at__isnull=True)
    files = Prefetch("attachments", queryset=PostAttachment.objects.order_by("id"))
    replies = (
        Post.objects.filter(visible)
        .select_related("author", "hidden_by")
        .prefetch_related(files)
        .order_by("created_at", "id")
    )
    return (
        Post.objects.filter(visible, group=group, parent__isnull=True)
        .select_related("author", "hidden_by")
        .prefetch_related(files, Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-id")
    )


def posts_since(*, group: Group, since: datetime) -> QuerySet[Post]:
    """Visible posts and replies for the daily digest (a reply under a hidden post is not
    visible either)."""
    return (
        Post.objects.filter(group=group, created_at__gte=since, hidden_at__isnull=True)
        .exclude(parent__hidden_at__isnull=False)
        .select_related("author", "parent")
        .order_by("created_at", "id")
    )
