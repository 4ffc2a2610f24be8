"""URLs of a tenant's site. Every pattern here is swept by tests/test_isolation.py."""

from anymail import urls as anymail_urls
from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from config import views
from tenants import views as tenant_views

tracking_webhooks = [
    pattern
    for pattern in anymail_urls.urlpatterns
    if str(pattern.name).removesuffix("_tracking_webhook") in settings.ANYMAIL_TRACKING_ESPS
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("brand.css", tenant_views.brand_css, name="brand-css"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("indstillinger/", tenant_views.site_settings, name="site-settings"),
    path("konto/", include("apps.accounts.urls")),
    path("sso/", include("apps.sso.urls")),
    path("tofaktor/", include("apps.twofactor.urls")),
    path("planlaeg/", include("apps.matching.urls")),
    path("privatliv/", include("apps.privacy.urls")),
    path("", include("apps.credentials.urls")),  # konto/bevis/, bevis/
    path("planlaeg/", include("apps.shifts.urls")),
    path("fremmoede/", include("apps.attendance.urls")),
    path("organisationer/", include("apps.organisations.urls")),
    path("", include("apps.members.urls")),  # profil/, organisationer/<id>/, medlemmer/
    path("rekruttering/", include("apps.recruitment.urls")),
    path("beskeder/", include("apps.messaging.urls")),
    path("grupper/", include("apps.groups.urls")),
    path("borgere/", include("apps.citizens.urls")),
    # Email providers' tracking webhooks (later bounces and complaints), for the providers
    # in settings.ANYMAIL_TRACKING_ESPS; inbound mail is not used.
    path("anymail/", include(tracking_webhooks)),
    path("evalueringer/", include("apps.evaluations.urls")),
    path("evaluering/", include("apps.evaluations.answer_urls")),
    path("rapporter/", include("apps.reports.urls")),
    path("api/v1/", include("apps.api.urls")),
    path("api-noegler/", include("apps.api.key_urls")),
    path("webhooks/", include("apps.webhooks.urls")),
    path("", include("apps.embed.urls")),
    path("", include("apps.crisis.urls")),  # krise/  # indlejret/, indlejret/feed.json, oembed
    path("", include("apps.reserve.urls")),  # konto/beredskab/, beredskab/
    path("", include("apps.legal.urls")),
    path("oversigt/", include("apps.home.urls")),
    path("", include("apps.marketplace.urls")),
]

# Uploaded files in development; production serves them from S3 or the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
