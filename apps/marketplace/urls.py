from django.urls import path

from apps.marketplace import calendar_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("arrangementer/<int:event_id>/", views.event_page, name="event"),
    path(
        "arrangementer/<int:event_id>/bliv-medlem/",
        views.membership_request_view,
        name="event-membership-request",
    ),
    path("vagter/<int:shift_id>/tilmeld/", views.shift_sign_up_view, name="shift-sign-up"),
    path("tilmeldinger/<int:signup_id>/afmeld/", views.signup_cancel_view, name="signup-cancel"),
    path("tilmeldinger/<int:signup_id>/accepter/", views.offer_accept_view, name="offer-accept"),
    path("tilmeldinger/<int:signup_id>/afvis/", views.offer_decline_view, name="offer-decline"),
    path("mine-vagter/", views.my_shifts, name="my-shifts"),
    path("foelg/", views.follow, name="follow"),
    path("kalender/mine/<uuid:token>.ics", calendar_views.personal_feed, name="calendar-personal"),
    path("kalender/mine/ny-adresse/", calendar_views.personal_feed_reset, name="calendar-reset"),
    path("kalender/vagter/<int:shift_id>.ics", calendar_views.shift_ics, name="calendar-shift"),
    path("kalender/arrangementer.ics", calendar_views.public_feed, name="calendar-public"),
]
