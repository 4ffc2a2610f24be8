"""Groups: members' pages and coordinators' management.

Thin: parse, check who may, call one service, answer. Who is neither a member of a group
nor a coordinator of its organisation gets 404 for the group, its posts and its files, as
if they did not exist.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.groups.forms import GroupForm, HideForm, MemberAddForm, NotifyForm, PostForm, ReplyForm
from apps.groups.models import Group, GroupMember, Post, PostAttachment
from apps.groups.selectors import (
    chosen_members,
    group_members,
    group_posts,
    groups_managed_by,
    groups_of,
    is_member,
    notify_choice,
)
from apps.groups.services import (
    group_archive,
    group_save,
    member_add,
    member_remove,
    notify_set,
    post_create,
    post_hide,
)
from apps.groups.signals import group_viewed
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest

PER_PAGE = 20


def _seen(request: AuthedHttpRequest, group_id: int) -> tuple[Group, bool]:
    """The group and whether the visitor coordinates it; 404 for everyone else."""
    group = get_object_or_404(Group.objects.select_related("organisation", "event"), pk=group_id)
    coordinates = can_coordinate(user=request.user, organisation=group.organisation)
    if not coordinates and not is_member(user=request.user, group=group):
        raise Http404
    return group, coordinates


def _managed(request: AuthedHttpRequest, group_id: int) -> Group:
    group = get_object_or_404(Group.objects.select_related("organisation", "event"), pk=group_id)
    require_coordinator(request.user, group.organisation)
    return group


@login_required
def my_groups(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "groups": groups_of(user=user),
        "organisations": organisations_coordinated_by(user=user),
        "managed": groups_managed_by(user=user),
    }
    return render(request, "groups/my_groups.html", context)


@login_required
def group_detail(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    """The group's page; a POST here is a new post."""
    group, coordinates = _seen(request, group_id)
    group_viewed.send(sender=None, user=request.user, group_id=group.pk)  # home: not new
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_create(
                actor=request.user,
                group_id=group.pk,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(f"{request.path}#post-{post.pk}")
    return _page(request, group, coordinates, form=form)


def _page(
    request: AuthedHttpRequest,
    group: Group,
    coordinates: bool,
    *,
    form: PostForm | None = None,
    reply: tuple[int, ReplyForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    posts = Paginator(group_posts(group=group, show_hidden=coordinates), PER_PAGE)
    page = posts.get_page(request.GET.get("side"))
    member = is_member(user=request.user, group=group)
    choice = notify_choice(user=request.user, group=group) if member else GroupMember.Notify.EACH
    context = {
        "group": group,
        "coordinates": coordinates,
        "member": member,
        "page": page,
        "form": form or PostForm(),
        "reply_to": reply[0] if reply else None,
        "reply_form": reply[1] if reply else None,
        "notify_form": NotifyForm(initial={"notify": choice}) if member else None,
        "notify_label": GroupMember.Notify(choice).label,
    }
    return render(request, "groups/group.html", context, status=status)


@login_required
@require_POST
def post_reply(request: AuthedHttpRequest, group_id: int, post_id: int) -> HttpResponse:
    group, coordinates = _seen(request, group_id)
    parent = get_object_or_404(Post, pk=post_id, group=group)
    if parent.is_hidden and not coordinates:
        raise Http404
    form = ReplyForm(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            reply = post_create(
                actor=request.user,
                group_id=group.pk,
                body=form.cleaned_data["body"],
                parent_id=parent.pk,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if request.headers.get("HX-Request"):
                return _thread(request, group, coordinates, parent.parent_id or parent.pk)
            return redirect(f"{group_path(group)}#post-{reply.pk}")
    thread_id = parent.parent_id or parent.pk
    if request.headers.get("HX-Request"):
        return _thread(request, group, coordinates, thread_id, form)
    return _page(request, group, coordinates, reply=(thread_id, form))


def _thread(
    request: HttpRequest,
    group: Group,
    coordinates: bool,
    thread_id: int,
    form: ReplyForm | None = None,
) -> HttpResponse:
    """htmx: the thread alone, to swap in place after a reply (with the form's errors,
    and the text kept, when it was refused)."""
    thread = get_object_or_404(group_posts(group=group, show_hidden=coordinates), pk=thread_id)
    context = {
        "group": group,
        "coordinates": coordinates,
        "post": thread,
        "reply_to": thread_id if form else None,
        "reply_form": form,
    }
    return render(request, "groups/_thread.html", context)


def group_path(group: Group) -> str:
    return reverse("group", args=[group.pk])


@login_required
def post_detail(request: AuthedHttpRequest, group_id: int, post_id: int) -> HttpResponse:
    """One thread, for a link to a single post."""
    group, coordinates = _seen(request, group_id)
    thread = group_posts(group=group, show_hidden=coordinates).filter(pk=post_id).first()
    if thread is None:
        reply = get_object_or_404(Post, pk=post_id, group=group, parent__isnull=False)
        return redirect("group-post", group_id=group.pk, post_id=reply.parent_id)
    context = {"group": group, "coordinates": coordinates, "post": thread}
    return render(request, "groups/post.html", context)


@login_required
@require_POST
def post_hide_view(request: AuthedHttpRequest, group_id: int, post_id: int) -> HttpResponse:
    group = _managed(request, group_id)
    post = get_object_or_404(Post, pk=post_id, group=group)
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    hidden = request.POST.get("action") != "show"
    post_hide(actor=request.user, post_id=post.pk, reason=reason, hidden=hidden)
    flash.success(request, _("The post is hidden.") if hidden else _("The post is shown again."))
    return redirect(f"{group_path(group)}#post-{post.pk}")


@login_required
@require_POST
def notify_view(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group, _coordinates = _seen(request, group_id)
    form = NotifyForm(request.POST)
    if form.is_valid() and is_member(user=request.user, group=group):
        notify_set(actor=request.user, group_id=group.pk, notify=form.cleaned_data["notify"])
        flash.success(request, _("Your choice is saved."))
    return redirect("group", group_id=group.pk)


@login_required
def attachment_download(request: AuthedHttpRequest, attachment_id: int) -> FileResponse:
    """Files are served only through here, to who may see the post, never from a public
    media URL."""
    attachment = get_object_or_404(
        PostAttachment.objects.select_related("post__parent"), pk=attachment_id
    )
    post = attachment.post
    _group, coordinates = _seen(request, post.group_id)
    if not coordinates and (post.is_hidden or (post.parent and post.parent.is_hidden)):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def group_new(request: AuthedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require_coordinator(request.user, organisation)
    form = GroupForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_save(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            flash.success(request, _("The group is made. Add its members."))
            return redirect("group-manage", group_id=group.pk)
    return render(request, "groups/edit.html", {"form": form, "organisation": organisation})


@login_required
def group_manage(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    """Name, rule and members of a group; archive it."""
    group = _managed(request, group_id)
    organisation = group.organisation
    form = GroupForm(request.POST or None, instance=group, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            group_save(
                actor=request.user, organisation=organisation, group=group, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            flash.success(request, _("The group is saved."))
            return redirect("group-manage", group_id=group.pk)
    return _manage_page(request, group, form=form)


def _manage_page(
    request: HttpRequest,
    group: Group,
    *,
    form: GroupForm | None = None,
    member_form: MemberAddForm | None = None,
) -> HttpResponse:
    organisation = group.organisation
    context = {
        "group": group,
        "organisation": organisation,
        "form": form or GroupForm(instance=group, organisation=organisation),
        "member_form": member_form or MemberAddForm(organisation=organisation),
        "chosen": chosen_members(group=group),
        "members": group_members(group=group).only("full_name", "email"),
    }
    return render(request, "groups/manage.html", context)


@login_required
@require_POST
def member_add_view(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = _managed(request, group_id)
    form = MemberAddForm(request.POST, organisation=group.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = member_add(
                actor=request.user,
                group_id=group.pk,
                email=data["email"] or "",
                user_id=data["user"].pk if data["user"] else None,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            flash.success(request, _("%(name)s is in the group.") % {"name": row.user.full_name})
            return redirect("group-manage", group_id=group.pk)
    return _manage_page(request, group, member_form=form)


@login_required
@require_POST
def member_remove_view(request: AuthedHttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = _managed(request, group_id)
    member_remove(actor=request.user, group_id=group.pk, user_id=user_id)
    flash.success(request, _("The person is taken out of the group."))
    return redirect("group-manage", group_id=group.pk)


@login_required
@require_POST
def group_archive_view(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = _managed(request, group_id)
    archived = request.POST.get("action") != "reopen"
    group_archive(actor=request.user, group_id=group.pk, archived=archived)
    flash.success(
        request, _("The group is archived.") if archived else _("The group is open again.")
    )
    return redirect("group-manage", group_id=group.pk)
