"""Write paths of groups: making and keeping groups, posting, hiding, and the mails about
new posts (through the messaging outbox, never sent from here).

Mails and hidden posts: a member who chose 'each' is mailed by a task that runs just after
the post is committed, so a post hidden later has usually been mailed already; what a hide
can still stop, it stops: the task sends nothing for a post hidden before it runs, and
rows of its mail still waiting in the outbox are marked skipped. The daily digest is put
together at send time from the posts still visible, so a post hidden before then is not in
it.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.groups.messages import GROUP_DIGEST, GROUP_POST
from apps.groups.models import Group, GroupMember, Post, PostAttachment
from apps.groups.selectors import can_see, is_member, notify_recipients, posts_since
from apps.members.models import Membership
from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator, require_coordinator
from apps.shifts.models import Event
from kernel import messages
from kernel.attachments import check_attachments, stored_fields
from kernel.tasks import enqueue_on_commit
from tenants.selectors import current_tenant, tenant_locale, tenant_zone

BODY_MAX = 10_000
DIGEST_WINDOW = timedelta(days=1)


def _group_for_update(group_id: int) -> Group:
    return Group.objects.select_for_update().select_related("organisation").get(pk=group_id)


def group_save(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    description: str = "",
    rule: str = Group.Rule.NONE,
    event: Event | None = None,
    group: Group | None = None,
) -> Group:
    """Make a group, or change an existing one's name, description and rule."""
    require_coordinator(actor, organisation)
    if group is not None and group.organisation_id != organisation.pk:
        raise NotCoordinator
    if rule == Group.Rule.EVENT:
        if event is None or event.organisation_id != organisation.pk:
            raise ValidationError({"event": _("Choose one of the organisation's events.")})
    else:
        event = None
    with transaction.atomic():
        if group is None:
            group = Group(organisation=organisation, created_by=actor)
        group.name, group.description, group.rule, group.event = name, description, rule, event
        group.save()
        audit_record(actor=actor, action="group.save", target=group, rule=rule)
    return group


def group_archive(*, actor: User, group_id: int, archived: bool = True) -> Group:
    """An archived group keeps its posts for members to read but takes no new ones."""
    with transaction.atomic():
        group = _group_for_update(group_id)
        require_coordinator(actor, group.organisation)
        group.archived_at = timezone.now() if archived else None
        group.save(update_fields=["archived_at"])
        audit_record(actor=actor, action="group.archive", target=group, archived=archived)
    return group


def member_add(
    *, actor: User, group_id: int, email: str = "", user_id: int | None = None
) -> GroupMember:
    """Add a person with an account here, found by email or chosen among the organisation's
    members. Adding someone twice changes nothing."""
    with transaction.atomic():
        group = _group_for_update(group_id)
        require_coordinator(actor, group.organisation)
        user = _person(group, email=email, user_id=user_id)
        row, created = GroupMember.objects.get_or_create(
            group=group, user=user, defaults={"added_by": actor}
        )
        if not created and not row.chosen:
            row.chosen, row.added_by = True, actor
            row.save(update_fields=["chosen", "added_by"])
        audit_record(actor=actor, action="group.member_add", target=group, user=user.pk)
    return row


def _person(group: Group, *, email: str, user_id: int | None) -> User:
    if user_id is not None:
        members = Membership.objects.filter(
            organisation=group.organisation, status=Membership.Status.ACTIVE
        ).values("user_id")
        user = User.objects.filter(pk=user_id, pk__in=members, is_active=True).first()
    else:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(_("Nobody with that email address has an account here."))
    return user


def member_remove(*, actor: User, group_id: int, user_id: int) -> None:
    """Take a chosen member out. People in the group by its rule stay while the rule says
    so; their own notification choice is kept."""
    with transaction.atomic():
        group = _group_for_update(group_id)
        require_coordinator(actor, group.organisation)
        GroupMember.objects.filter(group=group, user_id=user_id).update(chosen=False)
        audit_record(actor=actor, action="group.member_remove", target=group, user=user_id)


def notify_set(*, actor: User, group_id: int, notify: str) -> GroupMember:
    """A member's own choice of mails about this group. A member by rule gets a row that
    holds only the choice (chosen False), so leaving the event still takes them out."""
    group = Group.objects.get(pk=group_id)
    if not is_member(user=actor, group=group):
        raise PermissionDenied
    if notify not in GroupMember.Notify.values:
        raise ValidationError(_("Choose how often you want mail."))
    row, _created = GroupMember.objects.update_or_create(
        group=group,
        user=actor,
        defaults={"notify": notify},
        create_defaults={
            "notify": notify,
            "chosen": False,
        },
    )
    return row


def post_create(
    *,
    actor: User,
    group_id: int,
    body: str,
    parent_id: int | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> Post:
    """A post, or a reply to one (replies go one level deep: a reply to a reply joins the
    same thread). Files are checked before anything is stored, so a refused file loses
    nothing of what was written (the form keeps it)."""
    group = Group.objects.select_related("organisation").get(pk=group_id)
    if not can_see(user=actor, group=group):
        raise PermissionDenied
    if group.is_archived:
        raise ValidationError(_("The group is archived and takes no new posts."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": _("A post can be at most %(n)d characters.") % {"n": BODY_MAX}}
        )
    parent = None
    if parent_id is not None:
        parent = Post.objects.select_related("parent").filter(pk=parent_id, group=group).first()
        if parent is not None and parent.parent is not None:
            parent = parent.parent  # a reply to a reply joins the same thread
        if parent is None or parent.is_hidden:
            raise ValidationError(_("The post you answer is gone."))
    files = list(attachments)
    check_attachments(files)
    with transaction.atomic():
        post = Post.objects.create(group=group, author=actor, body=body, parent=parent)
        for upload in files:
            PostAttachment.objects.create(post=post, **stored_fields(upload))
        enqueue_on_commit("apps.groups.tasks.notify_post", post.pk)
    return post


def post_hide(*, actor: User, post_id: int, reason: str = "", hidden: bool = True) -> Post:
    """Coordinators hide a post (members no longer see it, nor its replies) or show it
    again. Rows of its mail still waiting in the outbox are not sent."""
    with transaction.atomic():
        post = (
            Post.objects.select_for_update().select_related("group__organisation").get(pk=post_id)
        )
        require_coordinator(actor, post.group.organisation)
        if hidden:
            post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason[:300]
            messages.withdraw(_post_key(post), reason="post hidden")
        else:
            post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_record(actor=actor, action="group.post_hide", target=post, hidden=hidden)
    return post


def _post_key(post: Post) -> str:
    return f"group-post:{post.pk}"


def post_notify(*, post_id: int) -> int:
    """Mail the members who want each post (not the author). Safe twice: the dedupe key
    finds the first message and the outbox adds nobody twice. Returns 1 if it mailed."""
    post = (
        Post.objects.select_related("group__organisation", "author", "parent")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.is_hidden or post.group.is_archived:
        return 0
    if post.parent is not None and post.parent.is_hidden:
        return 0
    group = post.group
    users = notify_recipients(group=group, notify=GroupMember.Notify.EACH)
    if post.author_id:
        users = users.exclude(pk=post.author_id)
    messages.send(
        GROUP_POST,
        to=users,
        dedupe_key=_post_key(post),
        params={"post_id": post.pk},
        organisation_id=group.organisation_id,
        author_id=post.author_id,
    )
    return 1


def digest_send(*, group_id: int, now: datetime | None = None) -> int:
    """One mail with the day's visible posts to the members who chose a daily mail; once
    a day per group (the key carries the local date). Returns how many posts it held."""
    now = now or timezone.now()
    with tenant_locale(current_tenant()):
        day = timezone.localdate(now)  # the tenant's day, not the server's
    with transaction.atomic():
        group = Group.objects.select_for_update().filter(pk=group_id).first()
        if group is None or group.is_archived or _digested_on(group, day):
            return 0
        posts = list(posts_since(group=group, since=_digest_since(group, now)))
        if not posts:
            return 0
        group.digest_sent_at = now
        group.save(update_fields=["digest_sent_at"])
        _digest_mail(group, posts, day)
    return len(posts)


def _digested_on(group: Group, day: date) -> bool:
    """Today's digest is out already (a second beat tick, a retried task)."""
    sent = group.digest_sent_at
    return sent is not None and timezone.localdate(sent, tenant_zone()) == day


def _digest_mail(group: Group, posts: list[Post], day: date) -> None:
    messages.send(
        GROUP_DIGEST,
        to=notify_recipients(group=group, notify=GroupMember.Notify.DAILY),
        dedupe_key=f"group-digest:{group.pk}:{day.isoformat()}",
        params={"group_id": group.pk, "post_ids": [post.pk for post in posts]},
        organisation_id=group.organisation_id,
    )


def _digest_since(group: Group, now: datetime) -> datetime:
    """From the last digest (so a late beat neither repeats nor skips a post), but never
    further back than a day."""
    last = group.digest_sent_at
    return max(last, now - DIGEST_WINDOW) if last else now - DIGEST_WINDOW


def digests_due(*, now: datetime | None = None) -> int:
    """Beat, once a day: a digest for every open group with visible posts in the last day."""
    now = now or timezone.now()
    active = Post.objects.filter(
        created_at__gte=now - DIGEST_WINDOW, hidden_at__isnull=True
    ).values("group_id")
    group_ids = Group.objects.filter(archived_at__isnull=True, pk__in=active).values_list(
        "pk", flat=True
    )
    return sum(1 for group_id in group_ids if digest_send(group_id=group_id, now=now))
