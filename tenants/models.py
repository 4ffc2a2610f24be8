from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import Storage, storages
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants import validators


def logo_path(instance: "Tenant", filename: str) -> str:
    # Each tenant's logo under its own prefix, in the platform-wide "branding" storage.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"platform/branding/{instance.schema_name}/logo.{extension}"


def branding_storage() -> Storage:
    return storages["branding"]


class Tenant(TenantMixin):
    """A system owner (municipality, region ...) with its own schema and site."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")
        # Offboarded: schema and files gone; the row stays as a tombstone (tenants.offboarding).
        PURGED = "purged", _("Purged")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.TRIAL)
    locale = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="da"
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Copenhagen",
        validators=[validators.validate_timezone],
    )
    logo = models.FileField(
        _("logo"),
        upload_to=logo_path,
        storage=branding_storage,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#004b87",
        validators=[validators.validate_brand_colour],
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#8b2a2a",
        validators=[validators.validate_brand_colour],
    )
    welcome_text = models.TextField(_("welcome text"), blank=True)
    # Shown in every page's footer: how the public reaches the system owner.
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_address = models.TextField(_("postal address"), blank=True)
    # Sign-up policy for the whole instance (shifts may be stricter).
    cancel_deadline_hours = models.PositiveSmallIntegerField(
        _("cancellation allowed until hours before start"), default=24
    )
    waitlist_stop_hours = models.PositiveSmallIntegerField(
        _("automatic waitlist promotion stops hours before start"), default=2
    )
    # Attendance: how far a coordinator's correction may go beyond a shift's length
    # before it needs an explicit override with a reason.
    hours_margin = models.PositiveSmallIntegerField(
        _("hours a correction may add to a shift's length"), default=2
    )
    # Messages (apps/messaging): reminders, coordinators' alerts, sending rate, SMS.
    reminder_hours = models.PositiveSmallIntegerField(
        _("remind volunteers hours before a shift (0 = never)"), default=24
    )
    unfilled_alert_hours = models.PositiveSmallIntegerField(
        _("tell coordinators about unfilled shifts hours before start (0 = never)"), default=48
    )
    mail_rate_per_minute = models.PositiveIntegerField(
        _("most messages sent per minute"), default=600
    )
    sms_enabled = models.BooleanField(_("send text messages"), default=False)
    sms_sender = models.CharField(_("text message sender name"), max_length=11, blank=True)
    # Security (issue 13): admins always need a second factor; coordinators when this says so.
    # Staff sessions end after this much idle time; volunteers' after 14 days (settings).
    coordinators_need_second_factor = models.BooleanField(
        _("coordinators must use a second factor"), default=False
    )
    staff_idle_minutes = models.PositiveSmallIntegerField(
        _("staff are signed out after minutes without activity"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    # Web sites that may show the embed page in an <iframe> (apps/embed): origins such as
    # https://www.nyborg.dk, validated by validators.embed_origin. Empty: framed by nobody.
    embed_origins = ArrayField(
        models.CharField(max_length=300),
        verbose_name=_("embedding sites"),
        blank=True,
        default=list,
    )
    is_template = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The open status (trial or active) a closed tenant had, so that resuming returns to it.
    status_before_closing = models.CharField(
        _("status before suspension"),
        max_length=20,
        choices=[(Status.TRIAL, Status.TRIAL.label), (Status.ACTIVE, Status.ACTIVE.label)],
        blank=True,
        editable=False,
    )
    # Offboarding (tenants.offboarding): when and by whom it was cancelled and purged.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.CharField(max_length=200, blank=True, editable=False)
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    purged_by = models.CharField(max_length=200, blank=True, editable=False)
    # Deploys (tenants.migration_state): the hash of the tenant migrations this schema was last
    # brought to; `migrate_tenants` skips a schema whose hash is the code's. db_default: the
    # previous release, still serving while this column is added, inserts tenants without it.
    migration_state = models.CharField(
        max_length=32, blank=True, default="", db_default="", editable=False
    )
    migrated_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Saving a new row makes no schema: tenant_provision runs the template script first
    # (tenants.template_script), restore runs pg_restore, template_ensure migrates. Never
    # django-tenants' clone_schema, whose time grows with the number of tenants.
    auto_create_schema = False
    auto_drop_schema = False  # data is never dropped by accident; see tenant_provision

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.SUSPENDED, self.Status.ARCHIVED, self.Status.PURGED)


class Domain(DomainMixin):
    def __str__(self) -> str:
        return self.domain


class TenantExport(models.Model):
    """A vendor's request for a tenant's archive, downloaded once through a link by whoever
    asked (tenants.exports). Only the token's hash is kept: the mail holds the token."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Made when the archive is ready (the link's life starts then); None before.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    file = models.CharField(max_length=300, blank=True)  # name in the "exports" storage
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.created_at:%Y-%m-%d %H:%M}"


class TemplateScript(models.Model):
    """The statements that make a tenant's schema (tenants.template_script), rendered from
    the template schema by `setup_platform`; `key` hashes the template's applied
    migrations. Only the current one is kept."""

    key = models.CharField(max_length=64, unique=True)
    statements = models.JSONField()
    seconds = models.FloatField(default=0)  # rendering and checking it took
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} ({len(self.statements)} statements)"


class ProvisioningJob(models.Model):
    """A tenant being made by a Celery task on the console's behalf (tenants.provision_jobs);
    its page polls this row. The tenant and its schema exist only once it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being created")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    slug = models.CharField(max_length=63)
    name = models.CharField(max_length=200)
    fields = models.JSONField()  # tenant_provision's keyword arguments, as the form gave them
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
