"""Mails about posts in groups: each post as it comes, or one digest a day (both obey the
person's switch for group posts; how often is chosen per group)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.groups.models import Group, Post
from apps.organisations.models import Organisation
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def group_url(group: Group) -> str:
    return tenant_url(current_tenant(), reverse("group", args=[group.pk]))


def _example_post() -> Post:
    group = Group(pk=1, name="Kioskholdet", organisation=Organisation(pk=1, name="Nyborg Roklub"))
    author = User(pk=1, email="bo@example.dk", full_name="Bo Bådmand")
    return Post(
        pk=1,
        group=group,
        author=author,
        body="Husk kagen til **lørdag**!",
        created_at=timezone.now(),
    )


def _post_fields(post: Post) -> dict[str, Any]:
    return {"post": post, "group": post.group, "url": f"{group_url(post.group)}#post-{post.pk}"}


def _post_context(params: dict[str, Any]) -> dict[str, Any]:
    post = Post.objects.select_related("group", "author", "parent").get(pk=params["post_id"])
    return _post_fields(post)


GROUP_POST = register(
    MessageKind(
        slug="group",
        label=_("Posts in my groups"),
        template="groups/emails/group",
        bulk=True,
        context=_post_context,
        example=lambda: _post_fields(_example_post()),
    )
)


def _digest_fields(group: Group, posts: list[Post]) -> dict[str, Any]:
    return {"group": group, "posts": posts, "url": group_url(group)}


def _digest_context(params: dict[str, Any]) -> dict[str, Any]:
    group = Group.objects.get(pk=params["group_id"])
    posts = Post.objects.filter(pk__in=params["post_ids"]).select_related("author", "parent")
    return _digest_fields(group, list(posts.order_by("created_at", "pk")))


def _digest_example() -> dict[str, Any]:
    post = _example_post()
    return _digest_fields(post.group, [post])


GROUP_DIGEST = register(
    MessageKind(
        slug="group_digest",
        label=_("A daily digest of posts in my groups"),
        template="groups/emails/group_digest",
        bulk=True,
        preference="group",
        context=_digest_context,
        example=_digest_example,
    )
)
