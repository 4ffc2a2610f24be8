"""Actors (associations, social services, companies ...) and who may coordinate for them.

Minimal for the marketplace; the member-register issue widens it (approval flow, members).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        SOCIAL_SERVICE = "social_service", _("Social service")
        MUNICIPAL_UNIT = "municipal_unit", _("Municipal unit")
        COMPANY = "company", _("Company")
        VOLUNTEER_CENTRE = "volunteer_centre", _("Volunteer centre")
        EVENT_ORGANISER = "event_organiser", _("Event organiser")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.ASSOCIATION)
    description = models.TextField(_("description"), blank=True)
    # New organisations wait for the system-owner admin; ones the admin creates start approved.
    is_approved = models.BooleanField(default=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationRole(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        COORDINATOR = "coordinator", _("Coordinator")
        CONTACT = "contact", _("Contact person")
        # A professional (a social worker, a nurse) who may refer citizens into the site's
        # programmes (apps.citizens) and sees nothing else: not a coordinating role.
        REFERRER = "referrer", _("Referrer")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(max_length=20, choices=Role)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="one_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Follow(models.Model):
    """A citizen follows an organisation or a category to hear about new events."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    category = models.ForeignKey("shifts.Category", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) ^ models.Q(category__isnull=False),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "organisation"], name="follow_org_once"),
            models.UniqueConstraint(fields=["user", "category"], name="follow_category_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation or self.category}"
