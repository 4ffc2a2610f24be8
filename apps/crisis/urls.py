"""Crisis mode under /krise/ (see config.urls_tenant)."""

from django.urls import path

from apps.crisis import needs_views, views

app_name = "crisis"

urlpatterns = [
    path("krise/", views.landing, name="landing"),
    path("krise/tak/", views.thanks, name="thanks"),
    path("krise/styring/", views.control, name="control"),
    path("krise/styring/<int:crisis_id>/afslut/", views.end, name="end"),
    path("krise/hjaelpere/", views.helpers, name="helpers"),
    path("krise/konto/<str:token>/", views.account, name="account"),
    # The needs board (needs_views.py): coordinators of the crisis's organisation.
    path("krise/behov/", needs_views.board, name="needs"),
    path("krise/behov/<int:need_id>/", needs_views.need_page, name="need"),
    path("krise/behov/<int:need_id>/inviter/", needs_views.invite, name="need-invite"),
    path("krise/behov/<int:need_id>/luk/", needs_views.close, name="need-close"),
    # The helper's answer from the invitation's link, without an account.
    path("krise/svar/<str:token>/", needs_views.answer, name="answer"),
]
