"""URLs of the public schema: the vendor console and Stripe's webhook."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from billing.views import stripe_webhook
from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("", include("console.urls")),
]

# Uploaded files in development; production serves them from S3 or the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
