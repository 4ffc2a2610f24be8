"""Groups, under /grupper/ (see config.urls_tenant)."""

from django.urls import path

from apps.groups import views

urlpatterns = [
    path("", views.my_groups, name="groups"),
    path("ny/<int:organisation_id>/", views.group_new, name="group-new"),
    path("fil/<int:attachment_id>/", views.attachment_download, name="group-attachment"),
    path("<int:group_id>/", views.group_detail, name="group"),
    path("<int:group_id>/opslag/<int:post_id>/", views.post_detail, name="group-post"),
    path("<int:group_id>/opslag/<int:post_id>/svar/", views.post_reply, name="group-reply"),
    path("<int:group_id>/opslag/<int:post_id>/skjul/", views.post_hide_view, name="group-hide"),
    path("<int:group_id>/mails/", views.notify_view, name="group-notify"),
    path("<int:group_id>/administrer/", views.group_manage, name="group-manage"),
    path("<int:group_id>/medlemmer/", views.member_add_view, name="group-member-add"),
    path(
        "<int:group_id>/medlemmer/<int:user_id>/fjern/",
        views.member_remove_view,
        name="group-member-remove",
    ),
    path("<int:group_id>/arkiver/", views.group_archive_view, name="group-archive"),
]
