"""Write paths for the tenant registry: provisioning and status changes."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context
from psycopg.errors import DuplicateSchema

from apps.audit.services import audit_record
from tenants import template_script, validators
from tenants.checks import template_schema_problem
from tenants.migration_state import migration_state_record
from tenants.models import Domain, Tenant
from tenants.signals import tenant_provisioned

log = logging.getLogger(__name__)


class TemplateMissing(RuntimeError):
    """Provisioning refused: the template schema to make tenants from is missing or behind."""


@dataclass(frozen=True)
class Provisioned:
    tenant: Tenant
    domain: Domain
    admin_email: str  # invited by apps.accounts (tenants.signals.tenant_provisioned)
    seconds: float


def tenant_provision(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str,
    kind: str = Tenant.Kind.MUNICIPALITY,
    domain: str = "",
    locale: str = "da",
    timezone_name: str = "Europe/Copenhagen",
    primary_colour: str = "#004b87",
    accent_colour: str = "#8b2a2a",
    welcome_text: str = "",
    actor: object | None = None,
) -> Provisioned:
    """Create a tenant from the template script (tenants.template_script), with its domain
    and first admin. Its cost does not grow with the number of tenants.

    All or nothing: the schema, the rows and the admin are created in one transaction
    (PostgreSQL DDL is transactional), so a failure half-way leaves nothing behind.
    """
    started = time.perf_counter()
    tenant, domain = _checked(
        name=name,
        slug=slug,
        admin_email=admin_email,
        admin_name=admin_name,
        kind=kind,
        domain=domain,
        locale=locale,
        timezone_name=timezone_name,
        primary_colour=primary_colour,
        accent_colour=accent_colour,
        welcome_text=welcome_text,
    )
    problem = template_schema_problem()
    if problem:
        raise TemplateMissing(problem)
    script = template_script.current_script()
    try:
        with transaction.atomic():
            template_script.apply(script, tenant.schema_name)
            tenant.save(verbosity=0)  # the row only: Tenant.auto_create_schema is off
            _record_migration_state(tenant)
            primary = Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
            with tenant_context(tenant):
                tenant_provisioned.send(
                    sender=Tenant,
                    tenant=tenant,
                    admin_email=admin_email,
                    admin_name=admin_name,
                    actor=actor,
                )
            audit_record(actor=actor, action="tenant.provisioned", target=tenant, domain=domain)
    except (IntegrityError, ProgrammingError) as exc:
        # Lost a race with another provisioning of the same slug or domain (a schema
        # committed meanwhile is a DuplicateSchema, one being made a unique violation).
        if isinstance(exc, ProgrammingError) and not isinstance(exc.__cause__, DuplicateSchema):
            raise
        raise ValidationError(_("This name or domain was taken a moment ago.")) from exc
    seconds = time.perf_counter() - started
    log.info("provisioned tenant %s in %.2f s", tenant.schema_name, seconds)
    return Provisioned(tenant=tenant, domain=primary, admin_email=admin_email, seconds=seconds)


def provision_check(**fields: str) -> None:
    """tenant_provision's checks alone (ValidationError), for the console to answer the form
    at once before the work is queued (tenants.provision_jobs)."""
    _checked(**fields)


def _checked(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str,
    kind: str = Tenant.Kind.MUNICIPALITY,
    domain: str = "",
    locale: str = "da",
    timezone_name: str = "Europe/Copenhagen",
    primary_colour: str = "#004b87",
    accent_colour: str = "#8b2a2a",
    welcome_text: str = "",
) -> tuple[Tenant, str]:
    slug, given_domain = slug.strip().lower(), domain.strip().lower()
    domain = given_domain or default_domain(slug)
    tenant = Tenant(
        schema_name=slug,
        name=name.strip(),
        kind=kind,
        locale=locale,
        timezone=timezone_name,
        primary_colour=primary_colour.lower(),
        accent_colour=accent_colour.lower(),
        welcome_text=welcome_text,
    )
    _validate(
        tenant,
        domain=domain,
        derived=not given_domain,
        admin_email=admin_email,
        admin_name=admin_name,
    )
    return tenant, domain


def _record_migration_state(tenant: Tenant) -> None:
    """A fresh copy of the template is in the code's migration state (the template was
    checked above), so the next deploy skips it (tenants.fleet)."""
    migration_state_record(schema_name=tenant.schema_name)


def default_domain(slug: str) -> str:
    return f"{slug.replace('_', '-')}.{settings.TENANT_BASE_DOMAIN}"


def _validate(
    tenant: Tenant, *, domain: str, derived: bool, admin_email: str, admin_name: str
) -> None:
    errors: dict[str, list[str]] = {}
    _collect(errors, "slug", validators.validate_slug, tenant.schema_name)
    if not (derived and "slug" in errors):  # a domain made from a bad slug: one error is enough
        _collect(errors, "domain", validators.validate_domain, domain)
    try:
        tenant.full_clean(exclude=["schema_name"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _check_taken(errors, tenant.schema_name, domain)
    if not admin_name.strip():
        errors["admin_name"] = [_("Write the administrator's name.")]
    _collect(errors, "admin_email", _validate_email, admin_email)
    if errors:
        raise ValidationError(errors)


def _collect(errors: dict[str, list[str]], field: str, check, value: str) -> None:
    try:
        check(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)


def _validate_email(value: str) -> None:
    from django.core.validators import validate_email

    validate_email(value)


def _check_taken(errors: dict[str, list[str]], slug: str, domain: str) -> None:
    if "slug" not in errors and Tenant.objects.filter(schema_name__iexact=slug).exists():
        errors["slug"] = [_("A system owner with this short name already exists.")]
    if "domain" not in errors and Domain.objects.filter(domain__iexact=domain).exists():
        errors["domain"] = [_("This domain is already in use.")]


_OPEN = (Tenant.Status.TRIAL, Tenant.Status.ACTIVE)


def tenant_set_status(*, tenant: Tenant, status: str, actor: object | None) -> Tenant:
    """Suspend, resume or archive. Data is never touched: a closed tenant is only hidden.

    Closing an open tenant (trial or active) remembers that status on the row, so that
    ``tenant_resume`` returns it to where it was, however many closed states it passed through.
    """
    if status == Tenant.Status.PURGED:
        raise ValueError("Only tenants.offboarding.tenant_purge purges a tenant.")
    with transaction.atomic(), schema_context("public"):
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        previous = locked.status
        if previous == status:
            return locked
        if previous == Tenant.Status.PURGED:
            # Its schema is gone: reopening would serve nothing (tenants.middleware).
            raise ValidationError(_("A purged system owner cannot be reopened."))
        fields = ["status", "status_changed_at", "status_before_closing"]
        if previous in _OPEN and status not in _OPEN:
            locked.status_before_closing = previous
        elif status in _OPEN:
            locked.status_before_closing = ""
        else:
            fields.remove("status_before_closing")
        locked.status = status
        locked.status_changed_at = timezone.now()
        # Archiving starts the offboarding notice period (tenants.offboarding).
        if status == Tenant.Status.ARCHIVED:
            locked.archived_at, locked.archived_by = locked.status_changed_at, _actor_label(actor)
            fields += ["archived_at", "archived_by"]
        elif previous == Tenant.Status.ARCHIVED:
            locked.archived_at, locked.archived_by = None, ""
            fields += ["archived_at", "archived_by"]
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="tenant.status", target=locked, old=previous, new=status)
    return locked


def _actor_label(actor: object | None) -> str:
    return str(getattr(actor, "email", None) or actor or "")[:200]


def tenant_resume(*, tenant: Tenant, actor: object | None) -> Tenant:
    """Reopen a suspended or archived tenant in the status it had before it was closed."""
    with transaction.atomic(), schema_context("public"):
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if not locked.is_closed:
            return locked
        # A tenant closed before the status was remembered, with no history: the old behaviour.
        status = locked.status_before_closing or Tenant.Status.ACTIVE
        return tenant_set_status(tenant=locked, status=status, actor=actor)


def template_ensure() -> Tenant:
    """Create the template tenant once (by migrating); migrate_tenants keeps it current."""
    with schema_context("public"):
        template = Tenant.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
        if template is None:
            template = Tenant(
                schema_name=settings.TENANT_BASE_SCHEMA,
                name="Template (never served)",
                kind=Tenant.Kind.OTHER,
                status=Tenant.Status.ARCHIVED,
                is_template=True,
            )
            template.save(verbosity=0)
        # Made by running every migration (django-tenants: the base schema does not exist yet).
        if template.create_schema(check_if_exists=True, verbosity=0) is not False:
            migration_state_record(schema_name=template.schema_name)  # just made, so current
    return template


def public_tenant_ensure() -> Tenant:
    """The public schema's own row and the console's host names."""
    with schema_context("public"):
        public, _created = Tenant.objects.get_or_create(
            schema_name="public",
            defaults={"name": "Tovholder", "kind": Tenant.Kind.OTHER, "status": "active"},
        )
        for index, host in enumerate(settings.PUBLIC_DOMAINS):
            Domain.objects.get_or_create(
                domain=host, defaults={"tenant": public, "is_primary": index == 0}
            )
    return public


def tenant_update_branding(
    *,
    tenant: Tenant,
    actor: object | None,
    primary_colour: str,
    accent_colour: str,
    welcome_text: str,
    logo: UploadedFile | None = None,
) -> Tenant:
    """Change how a tenant's site looks; the same contrast rules as at provisioning."""
    tenant.primary_colour, tenant.accent_colour = primary_colour.lower(), accent_colour.lower()
    tenant.welcome_text = welcome_text
    tenant.full_clean(exclude=["schema_name", "logo"], validate_unique=False)
    if logo is not None:
        _check_logo(logo)  # before anything is written to storage
        tenant.logo.save(logo.name or "logo", logo, save=False)
    with transaction.atomic(), schema_context("public"):
        tenant.save(update_fields=["primary_colour", "accent_colour", "welcome_text", "logo"])
        audit_record(actor=actor, action="tenant.branding", target=tenant, logo=bool(logo))
    return tenant


# Who may change what: the system owner's admin sets the site's policy; the vendor sets what
# costs money or touches deliverability (SMS, the sending rate).
POLICY_FIELDS = (
    "cancel_deadline_hours",
    "waitlist_stop_hours",
    "reminder_hours",
    "unfilled_alert_hours",
    "hours_margin",
    "coordinators_need_second_factor",
    "staff_idle_minutes",
    "embed_origins",  # who may frame the embed page (apps/embed)
)
VENDOR_FIELDS = ("sms_enabled", "sms_sender", "mail_rate_per_minute")
# The system owner's contact details, shown in every page's footer.
CONTACT_FIELDS = ("contact_email", "contact_phone", "contact_address")


def tenant_update_settings(*, tenant: Tenant, actor: object | None, **fields: object) -> Tenant:
    """Change a tenant's policy, messaging settings or contact details (the fields above)."""
    unknown = set(fields) - set(POLICY_FIELDS) - set(VENDOR_FIELDS) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(tenant, name, value)
    tenant.full_clean(exclude=["schema_name", "logo"], validate_unique=False)
    with transaction.atomic(), schema_context("public"):
        tenant.save(update_fields=list(fields))
        audit_record(actor=actor, action="tenant.settings", target=tenant, **fields)
    return tenant


def _check_logo(logo: UploadedFile) -> None:
    if (logo.size or 0) > settings.MAX_LOGO_BYTES:
        limit = settings.MAX_LOGO_BYTES // 1024
        raise ValidationError({"logo": [_("The logo may be at most %(kb)s KB.") % {"kb": limit}]})
    head = logo.read(12)
    logo.seek(0)
    if not _is_raster_image(head):
        raise ValidationError({"logo": [_("The logo must be a PNG, JPEG or WebP image.")]})


def _is_raster_image(head: bytes) -> bool:
    # Judged by the file's first bytes, not the browser's word. No SVG: it can carry scripts.
    png_or_jpeg = head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))
    return png_or_jpeg or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
