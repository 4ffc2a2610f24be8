"""The reserve pool: the volunteer's choice under /konto/, the site admin's call-outs
under /beredskab/, and the answer link (no sign-in) under /beredskab/svar/."""

from django.urls import path

from apps.reserve import views

urlpatterns = [
    path("konto/beredskab/", views.my_reserve, name="reserve-mine"),
    path("beredskab/", views.callouts_page, name="reserve-callouts"),
    path("beredskab/<int:callout_id>/", views.callout_page, name="reserve-callout"),
    path("beredskab/<int:callout_id>/tal/", views.callout_counts_part, name="reserve-counts"),
    path("beredskab/svar/<str:token>/", views.answer_page, name="reserve-answer"),
]
