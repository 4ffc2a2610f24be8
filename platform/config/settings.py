"""Tovholder settings: everything comes from environment variables (see README.md)."""

import hashlib
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_list, env_rate, env_required, url_origins

# An installed (non-editable) package lives in site-packages, away from templates/, static/
# and locale/: images say where those are with TOVHOLDER_BASE_DIR (deploy/Dockerfile: /app).
BASE_DIR = Path(env("TOVHOLDER_BASE_DIR") or Path(__file__).resolve().parents[2])

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY") or ("insecure-dev-key" if DEBUG else None)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY is not set (or DEBUG=1 for a development key).")

# Host names: tenants live on `<slug>.<TENANT_BASE_DOMAIN>`; the console on PUBLIC_DOMAINS.
TENANT_BASE_DOMAIN = env("TENANT_BASE_DOMAIN", "localhost") or "localhost"
PUBLIC_DOMAINS = env_list("PUBLIC_DOMAINS", "localhost,console.localhost")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f".{TENANT_BASE_DOMAIN},{TENANT_BASE_DOMAIN}")
TENANT_URL_SCHEME = env("TENANT_URL_SCHEME", "https") or "https"
TENANT_URL_PORT = env("TENANT_URL_PORT", "") or ""

# --- apps -------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "console",
    "billing",
    "demo",  # seed_demo (make run); runs per tenant through tenant_context, no models
    "kernel",  # one public table: tasks kept while the broker was down (kernel.models)
    "apps.accounts",
    "apps.audit",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Not used in the console, but django-otp asks every installed device model about a
    # user (devices_for_user), and vendor staff live here: the tables must exist.
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "anymail",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes (apps.twofactor)
    "django_otp_webauthn",  # passkeys (apps.twofactor)
    "apps.accounts",
    "apps.audit",
    "apps.organisations",
    "apps.members",
    "apps.shifts",
    "apps.attendance",
    "apps.messaging",
    "apps.recruitment",
    "apps.matching",
    "apps.citizens",
    "apps.privacy",
    "apps.credentials",  # volunteer records the volunteer owns (frivilligbevis)
    "apps.marketplace",
    "apps.evaluations",
    "apps.groups",
    "apps.reports",
    "apps.legal",
    "apps.home",
    "apps.sso",
    "apps.twofactor",
    "apps.api",  # the REST API and its keys (docs/api.md)
    "apps.webhooks",  # outgoing signed webhooks (docs/webhooks.md)
    "apps.embed",  # the opportunities on other web sites (docs/embedding.md)
    "apps.crisis",  # crisis mode: helpers without accounts, needs, stand-down
    "apps.reserve",  # the reserve pool (beredskab): opt-in, call-outs, yes/no links
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New tenants' schemas are made by a script rendered from this migrated template schema
# (tenants/template_script.py), not by django-tenants' clone_schema; the two settings below
# only tell django-tenants which schema that is.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Set search_path only when the schema changes, not before every query.
TENANT_LIMIT_SET_CALLS = True
DEFAULT_NOT_FOUND_TENANT_VIEW = "tenants.views.unknown_host"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Link lifetimes (issue 13). An admin's invitation waits a week: it may arrive on a Friday.
# A sign-in link is a key to the account in a mailbox: 15 minutes, once, only the newest.
INVITATION_TIMEOUT = 7 * 24 * 3600
EMAIL_LINK_TIMEOUT = 15 * 60
PASSWORD_RESET_TIMEOUT = INVITATION_TIMEOUT  # the longest of the two: each checks its own
# A mail's unsubscribe link (and its List-Unsubscribe header) works this long: longer than
# the law's 30 days and than the gap between a quarterly newsletter's issues, so the last
# mail a person has always works; short enough that an old forwarded mail stops acting.
UNSUBSCRIBE_LINK_DAYS = 90
# Keys of the field-level encryption of a referral's special-category text (apps.citizens,
# crypto.py: rotation): newest first; empty derives one from SECRET_KEY.
CITIZENS_FIELD_KEYS = env_list("CITIZENS_FIELD_KEYS")
# A citizen's yes/no link (no sign-in) works this many days after the first meeting.
CITIZEN_ANSWER_LINK_DAYS = 14
# The check-in QR on the coordinator's screen changes this often; a scan is taken in the
# code's own window and the next (apps/attendance/services.py), so 2-4 minutes.
ATTENDANCE_CODE_MINUTES = 2
CONSOLE_REQUIRE_2FA = env_bool("CONSOLE_REQUIRE_2FA", default=not DEBUG)
# The vendor console reaches every tenant: its staff are signed out after this idle time.
CONSOLE_IDLE_MINUTES = int(env("CONSOLE_IDLE_MINUTES", "30") or 30)
OTP_TOTP_ISSUER = "Tovholder"
# Wrong codes: django-otp's own throttle per device, waits of 1, 2, 4, 8, 16 ... seconds after
# each successive failure (apps.twofactor shows the wait); the counter resets on success.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys: each tenant's host is its own relying party (apps/twofactor/webauthn.py); the
# fixed origin below only satisfies the package's start-up check, the helper answers per host.
# A passkey is a second factor here, never a sign-in on its own.
OTP_WEBAUTHN_RP_ID_CALLABLE = "apps.twofactor.webauthn.rp_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "apps.twofactor.webauthn.rp_name"
OTP_WEBAUTHN_HELPER_CLASS = "apps.twofactor.webauthn.TenantWebAuthnHelper"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{TENANT_URL_SCHEME}://{TENANT_BASE_DOMAIN}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

MIDDLEWARE = [
    # django-tenants' host lookup, never serving a tenant whose schema is gone (purged or
    # being restored) from the public schema's tables.
    "tenants.middleware.TenantMainMiddleware",
    "config.middleware.TenantContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware (it sets user.is_verified): staff without a second factor go to
    # set-up, anybody with one but an unverified session to the code page.
    "apps.twofactor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.ArchivedReadOnly",
    "config.middleware.IdleSignOut",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.NotCoordinatorAs404",
]

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.platform",
                "billing.context_processors.past_due",
            ],
            # {% load dates %} (named date formats, config/dates.py) and {% load ui %}: no app.
            "libraries": {
                "dates": "kernel.templatetags.dates",
                "ui": "kernel.templatetags.ui",
            },
        },
    }
]

# --- database -----------------------------------------------------------------
DATABASE_URL = env_required(
    "DATABASE_URL",
    "Run `make run` or `make test` (they start an embedded PostgreSQL), "
    "or point DATABASE_URL at a PostgreSQL server.",
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        engine="kernel.postgresql_backend",  # django-tenants', Citus-ready (docs/scaling.md)
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0") or 0),
        conn_health_checks=True,
    )
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, Celery ----------------------------------------------------------------
REDIS_URL = env_required(
    "REDIS_URL",
    "Run `make run` or `make test` (they start an embedded Redis), or point REDIS_URL at Redis.",
)
# Redis may die or freeze; nothing may then wait on it for long. A request gives up on
# Redis within REDIS_TIMEOUT seconds (connect and each reply); callers that can do without
# the cache catch its errors (kernel.cache), and a task that cannot be sent after commit
# is kept in the database for the beat (kernel.tasks.send_or_keep). Measured figures:
# docs/architecture.md, "When Redis is down".
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT", "0.5") or 0.5)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema name, so tenants never read each other's cache.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "th") or "th",
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
# A publish to a dead broker fails within about two seconds instead of hanging: short
# socket timeouts and one quick retry (which is what a stale pooled connection needs after
# Redis restarts). The worker's BRPOP waits in its event loop, not on these timeouts.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry_on_timeout": False,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
# The result backend's own reconnect loop (20 tries by default) must not hold a request.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "platform-heartbeat": {"task": "tenants.tasks.platform_heartbeat", "schedule": 60.0},
    # Tasks kept in the database while the broker was down (kernel.tasks.send_or_keep).
    "kernel-pending-tasks": {"task": "kernel.tasks.send_pending_tasks", "schedule": 60.0},
    # The per-tenant dispatchers below wake only the tenants whose work of that kind is due
    # (tenants.due, docs/architecture.md "The due-time beat"): each is one query in public
    # when nobody is due, so they all run every minute and honour the due times to it.
    "shifts-expire-offers": {"task": "apps.shifts.tasks.dispatch_expire_offers", "schedule": 60.0},
    "messaging-due-messages": {
        "task": "apps.messaging.tasks.dispatch_due_messages",
        "schedule": 60.0,
    },
    "webhooks-deliver": {  # the webhook outbox (apps.webhooks, docs/webhooks.md)
        "task": "apps.webhooks.tasks.dispatch_webhooks",
        "schedule": 60.0,
    },
    "messaging-automatic": {  # reminders, orientation mails, unfilled-shift alerts
        "task": "apps.messaging.tasks.dispatch_automatic",
        "schedule": 60.0,
    },
    "recruitment-reminders": {
        "task": "apps.recruitment.tasks.dispatch_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "citizens-meeting-reminders": {  # a first meeting tomorrow: the volunteer and coordinator
        "task": "apps.citizens.tasks.dispatch_meeting_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "groups-digests": {  # members who chose one mail a day about their groups' posts
        "task": "apps.groups.tasks.dispatch_group_digests",
        "schedule": crontab(hour=17, minute=0),
    },
    "messaging-follow-digests": {  # new events from the organisations people follow
        "task": "apps.messaging.tasks.dispatch_digests",
        "schedule": crontab(hour=7, minute=0),  # Europe/Copenhagen, before people go to work
    },
    "console-tenant-stats": {  # the console list's counts, one tenant's schema at a time
        "task": "console.tasks.refresh_tenant_stats",
        "schedule": 900.0,
    },
    "billing-end-trials": {
        "task": "billing.tasks.end_trials",
        "schedule": crontab(hour=1, minute=5),
    },
    "billing-meter-month": {  # last month's usage per tenant, once the month is over
        "task": "billing.tasks.dispatch_meter_month",
        "schedule": crontab(day_of_month=1, hour=2, minute=30),
    },
    "billing-issue-invoices": {  # EAN tenants: last month's invoice, after the metering
        "task": "billing.tasks.dispatch_issue_invoices",
        "schedule": crontab(hour=3, minute=30),
    },
    "billing-dunning": {  # overdue → past due → reminders → suspended (billing/dunning.py)
        "task": "billing.tasks.dispatch_dunning",
        "schedule": crontab(hour=8, minute=0),  # mails in office hours
    },
    "evaluations-due": {
        "task": "apps.evaluations.tasks.dispatch_evaluations",
        "schedule": 60.0,
    },
    "privacy-expired-exports": {  # a copy's file is deleted when its link expires unused
        "task": "apps.privacy.tasks.dispatch_clear_expired_exports",
        "schedule": 60.0,
    },
    "crisis-purge-helpers": {  # stand-down: helpers without an account, after the period
        "task": "apps.crisis.tasks.dispatch_purge_helpers",
        "schedule": crontab(hour=3, minute=45),
    },
    "privacy-retention": {  # storage limitation: warn, anonymise, delete, blank (03:30)
        "task": "apps.privacy.tasks.dispatch_retention",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- files ------------------------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".devdata" / "media")) or "")
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # files of a tenant go under MEDIA_ROOT/<schema>/
STATIC_URL = "/static/"
# Collected static files exist only in built images (deploy/Dockerfile sets STATIC_MANIFEST=1).
STATIC_ROOT = (
    (env("STATIC_ROOT") or str(BASE_DIR / "staticfiles")) if env_bool("STATIC_MANIFEST") else None
)
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY")
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
STORAGES = {
    "default": {
        "BACKEND": "kernel.storage.TenantS3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django_tenants.files.storage.TenantFileSystemStorage"
    },
    # Platform-owned files (tenant logos) are stored from the public schema but shown on
    # every tenant's pages, so their location must not follow the schema of the moment.
    "branding": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage",
    },
    # Tenant archives (tenants.exports): never under MEDIA_ROOT, which DEBUG serves.
    "exports": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "platform/exports"}
        if AWS_STORAGE_BUCKET_NAME
        else {"location": env("EXPORTS_ROOT", "") or str(BASE_DIR / ".devdata" / "exports")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST")
MAX_LOGO_BYTES = 512 * 1024
# Tenant archives (docs/offboarding.md): signed with this key, so that a tampered archive or
# one from another installation is refused. Installations that move tenants between them
# share it; by default it is derived from SECRET_KEY.
TENANT_ARCHIVE_KEY = env("TENANT_ARCHIVE_KEY", "") or ""
TENANT_EXPORT_LINK_HOURS = 48
# Offboarding: an archived tenant stays readable for its admins this long before a purge.
OFFBOARDING_NOTICE_DAYS = 30

# --- i18n -------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Every date and time format, per language: config/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["kernel.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

# --- email ------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / ".devdata" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tovholder <noreply@tovholder.dk>")
# django-anymail: set EMAIL_BACKEND to one of its ESP backends (with ANYMAIL's keys) to send
# through a provider; its tracking webhooks, on each tenant's host under /anymail/, report
# bounces and complaints that arrive after sending. Without a configured secret the webhooks
# still require one (derived from SECRET_KEY), so nobody can post fake events.
ANYMAIL = {
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET")
    or "tovholder:" + hashlib.sha256(f"anymail:{SECRET_KEY}".encode()).hexdigest()[:32],
    **{
        key[len("ANYMAIL_") :]: value
        for key, value in os.environ.items()
        if key.startswith("ANYMAIL_") and key != "ANYMAIL_WEBHOOK_SECRET"
    },
}
ANYMAIL_TRACKING_ESPS = env_list("ANYMAIL_TRACKING_ESPS", "postmark,brevo,sparkpost")
# Attachments on coordinators' messages and group posts (platform/kernel/attachments.py).
MESSAGE_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
MESSAGE_ATTACHMENTS_MAX_BYTES = 10 * 1024 * 1024
MESSAGE_ATTACHMENTS_MAX_COUNT = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- SMS (apps/messaging/sms.py) ---------------------------------------------------------
SMS_BACKEND = env("SMS_BACKEND") or (
    "apps.messaging.sms.ConsoleSmsBackend" if DEBUG else "apps.messaging.sms.GatewayApiBackend"
)
GATEWAYAPI_TOKEN = env("GATEWAYAPI_TOKEN")  # or GATEWAYAPI_TOKEN_FILE, a mounted secret
GATEWAYAPI_URL = env("GATEWAYAPI_URL", "https://gatewayapi.com") or "https://gatewayapi.com"
SMS_SENDER = env("SMS_SENDER", "Tovholder") or "Tovholder"  # cut to 11 characters when sent
SMS_TIMEOUT = float(env("SMS_TIMEOUT", "10") or 10)  # seconds, per request to the provider

# --- e-invoices to public bodies (platform/billing/sending.py) ----------------------------
# Peppol BIS Billing 3.0 documents for buyers with an EAN number. The file backend keeps each
# validated invoice in a folder; an access point's API is one more backend class.
EINVOICE_BACKEND = env("EINVOICE_BACKEND") or "billing.sending.FileBackend"
EINVOICE_FILE_PATH = env("EINVOICE_FILE_PATH") or str(BASE_DIR / ".devdata" / "einvoices")
# The vendor on its invoices (billing/einvoice.py): set these in production.
BILLING_SELLER = {
    "name": env("BILLING_SELLER_NAME", "Tovholder ApS") or "Tovholder ApS",
    "cvr": env("BILLING_SELLER_CVR", "12345674") or "12345674",
    "street": env("BILLING_SELLER_STREET", "Vestergade 1") or "",
    "postal_code": env("BILLING_SELLER_POSTAL_CODE", "5000") or "",
    "city": env("BILLING_SELLER_CITY", "Odense C") or "",
    "email": env("BILLING_SELLER_EMAIL", "faktura@tovholder.dk") or "",
    "iban": env("BILLING_SELLER_IBAN", "DK5000400440116243") or "",
    "bic": env("BILLING_SELLER_BIC", "DABADKKK") or "",
}

# --- card / SEPA payments through Stripe (platform/billing/stripe_sync.py) --------------
# STRIPE_API_BASE empty: the real Stripe; the tests point it at a localstripe server.
STRIPE_API_KEY = env("STRIPE_API_KEY", "") or ""
STRIPE_API_BASE = env("STRIPE_API_BASE", "") or ""
# The signing secret of the webhook endpoint (https://<public host>/stripe/webhook/).
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "") or ""

# --- security ---------------------------------------------------------------------
# Production (DEBUG off, https) gets every hardening header by default; docs/security.md
# lists them and why. Development and tests over http keep the same CSP, so a browser test
# fails on anything the policy would block in production.
PRODUCTION_HTTPS = not DEBUG and TENANT_URL_SCHEME == "https"
SESSION_COOKIE_SECURE = PRODUCTION_HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Volunteers stay signed in 14 days from their last visit; staff are signed out after their
# tenant's `staff_idle_minutes` (config.middleware.IdleSignOut).
SESSION_COOKIE_AGE = 14 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION_HTTPS else "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION_HTTPS)
# Kubernetes probes ask the pod over plain http, without the ingress's X-Forwarded-Proto.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_REFERRER_POLICY = "same-origin"  # sign-in and cancel links carry tokens in the path
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
# No inline script or style anywhere (the tenant's colours come as /brand.css); mail
# previews allow exactly their own styles by hash (kernel/csp.py).
# Media may come from the object store's own host (AWS_S3_CUSTOM_DOMAIN / endpoint).
MEDIA_HOSTS = env_list("CSP_MEDIA_HOSTS", "") + url_origins(AWS_S3_ENDPOINT_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_HOSTS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features no page uses are switched off; passkeys need WebAuthn on our own origin.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), "
    "publickey-credentials-get=(self), publickey-credentials-create=(self)"
)

# The client's address: X-Forwarded-For is believed only this many proxies deep (the
# ingress in production: 1; nothing in front in development: 0). See kernel.http.client_ip.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0") or 0)

# --- throttling (kernel/ratelimit.py, apps/accounts/throttle.py; docs/security.md) ------
# Fail-open: with Redis unreachable, requests go through and a warning is logged; Redis
# is then not asked again for RATELIMIT_REDIS_REST_SECONDS.
RATELIMIT_REDIS_URL = env("RATELIMIT_REDIS_URL", REDIS_URL) or REDIS_URL
RATELIMIT_REDIS_TIMEOUT = float(env("RATELIMIT_REDIS_TIMEOUT", "0.2") or 0.2)  # seconds
RATELIMIT_REDIS_REST_SECONDS = 10
# Failed password sign-ins (each window per tenant schema). The lock that matters is per
# account *and* IP: a stranger guessing locks only themselves. The per-IP limit stops one
# address from trying many accounts; the per-account limit, softer, catches guessing spread
# over many addresses: one address alone can never reach it (5 per 15 min = 20 an hour).
RATELIMIT_SIGNIN_ACCOUNT_IP = env_rate("RATELIMIT_SIGNIN_ACCOUNT_IP", "5/15m")
RATELIMIT_SIGNIN_IP = env_rate("RATELIMIT_SIGNIN_IP", "20/15m")
RATELIMIT_SIGNIN_ACCOUNT = env_rate("RATELIMIT_SIGNIN_ACCOUNT", "50/1h")
# Mails a stranger can make us send: sign-in links and registrations share the count per
# address (no inbox gets more than 3 in 15 minutes); per IP they are counted apart, the
# registration more generously (a stand at a festival signs people up from one tablet).
RATELIMIT_MAIL_ADDRESS = env_rate("RATELIMIT_MAIL_ADDRESS", "3/15m")
RATELIMIT_LINK_IP = env_rate("RATELIMIT_LINK_IP", "20/1h")
RATELIMIT_REGISTER_IP = env_rate("RATELIMIT_REGISTER_IP", "30/1h")
# Citizens' public self-referrals (apps.citizens): each mails the coordinators; a library's
# or a home care office's shared connection may send a few in an hour, a bot sends many.
RATELIMIT_SELF_REFERRAL_IP = env_rate("RATELIMIT_SELF_REFERRAL_IP", "10/1h")
# The public check of volunteer records (/bevis/tjek/, apps.credentials): an employer or a
# school checks a few copies; a script trying forged ones checks many. GETs count too.
RATELIMIT_CREDENTIAL_CHECK_IP = env_rate("RATELIMIT_CREDENTIAL_CHECK_IP", "30/10m")

# The API (apps.api, docs/api.md): requests per key, and per client IP without a key (the
# public read of public events).
RATELIMIT_API_KEY = env_rate("RATELIMIT_API_KEY", "600/1m")
RATELIMIT_API_ANON = env_rate("RATELIMIT_API_ANON", "120/1m")

# Outgoing webhooks (apps.webhooks, docs/webhooks.md): off, they are never sent to private,
# loopback, link-local, multicast or reserved addresses (the SSRF guard). Turn on only for an
# installation whose receivers live on its own private network.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=False)

# --- the REST API (apps.api, docs/api.md) -------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.api.permissions.KeyScope"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttle.KeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PAGINATION_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tovholder API",
    "DESCRIPTION": "A system owner's volunteering site: organisations, events, tasks, shifts, "
    "sign-ups, members, attendance and report figures. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.api.problems.schema_hook",
    ],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django_tenants": {"level": "WARNING"}},
}

# --- Sentry (on when SENTRY_DSN is set) ---------------------------------------------
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", "production"))

# --- single sign-on (apps.sso) --------------------------------------------------------
# Each provider's client secret is a file in this folder (a mounted Kubernetes secret),
# named in the provider's settings in the console; never a value in the database.
SSO_SECRETS_DIR = (
    env("SSO_SECRETS_DIR", "/run/secrets/tovholder-sso") or "/run/secrets/tovholder-sso"
)
SSO_HTTP_TIMEOUT = float(env("SSO_HTTP_TIMEOUT", "10") or 10)  # seconds per call to a provider
SSO_METADATA_SECONDS = 3600  # discovery document and signing keys are cached this long
SSO_CLOCK_LEEWAY = 60  # seconds of clock difference allowed for exp and iat
SSO_NONCE_SECONDS = 24 * 3600  # a used nonce is remembered (and refused) this long
SSO_PENDING_SECONDS = 15 * 60  # from pressing the button to coming back from the provider
