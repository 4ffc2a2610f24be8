from django.contrib.auth.views import LogoutView
from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("log-ind/", views.SignInView.as_view(), name="login"),
    path("log-ud/", LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("tilmeld/", views.register, name="register"),
    path("link/<uidb64>/<token>/", views.email_link, name="email-link"),
    path("link/", views.email_link_ask, name="email-link-ask"),
]
