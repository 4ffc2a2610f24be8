"""The coordinators' planning pages, under /planlaeg/ (see config.urls_tenant)."""

from django.urls import path

from apps.shifts import views, views_grid

urlpatterns = [
    path("", views.planning_home, name="planning"),
    path("arrangementer/nyt/", views.event_new, name="planning-event-new"),
    path("arrangementer/<int:event_id>/", views.event_plan, name="planning-event"),
    path("arrangementer/<int:event_id>/rediger/", views.event_edit, name="planning-event-edit"),
    path(
        "arrangementer/<int:event_id>/offentliggoer/",
        views.event_publish_view,
        name="planning-event-publish",
    ),
    path(
        "arrangementer/<int:event_id>/aflys/", views.event_cancel_view, name="planning-event-cancel"
    ),
    path("arrangementer/<int:event_id>/oversigt/", views_grid.grid_page, name="planning-grid"),
    path(
        "arrangementer/<int:event_id>/oversigt/flere/", views_grid.grid_bulk, name="planning-bulk"
    ),
    path(
        "arrangementer/<int:event_id>/oversigt/valgte/",
        views_grid.grid_selection,
        name="planning-grid-selection",
    ),
    path("arrangementer/<int:event_id>/kopier/", views.event_copy_view, name="planning-event-copy"),
    path("arrangementer/<int:event_id>/opgaver/ny/", views.task_new, name="planning-task-new"),
    path("opgaver/<int:task_id>/vagter/nye/", views.shifts_new, name="planning-shifts-new"),
    path("vagter/<int:shift_id>/", views.roster, name="planning-roster"),
    path("vagter/<int:shift_id>/pladser/", views.shift_capacity, name="planning-shift-capacity"),
    path("vagter/<int:shift_id>/aflys/", views.shift_cancel_view, name="planning-shift-cancel"),
    path("vagter/<int:shift_id>/tilfoej/", views.roster_add, name="planning-roster-add"),
    path("tilmeldinger/<int:signup_id>/fjern/", views.roster_remove, name="planning-roster-remove"),
]
