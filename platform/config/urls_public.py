"""URLs of the public schema: the vendor console (and, later, billing webhooks)."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("console.urls")),
]

# Uploaded files in development; production serves them from S3 or the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
