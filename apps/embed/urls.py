from django.urls import path

from apps.embed import views

urlpatterns = [
    path("indlejret/", views.embed_page, name="embed"),
    path("indlejret/feed.json", views.feed, name="embed-feed"),
    path("indlejret/hoejde.js", views.resize_script, name="embed-resize"),
    path("oembed", views.oembed, name="embed-oembed"),
    path("indstillinger/indlejring/", views.snippet_page, name="embed-snippet"),
]
