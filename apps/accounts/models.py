"""Users. Each tenant schema has its own users; vendor staff live in the public schema."""

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password: invitation only
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(default=True)
    # Vendor staff in the public schema; Django admin rights in a tenant schema.
    is_staff = models.BooleanField(default=False)
    # The system owner's administrators (municipality staff); roles widen with the members issue.
    is_owner_admin = models.BooleanField(_("system-owner admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Used only for minimum ages; the member register (issue 4) widens the profile.
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # Status of a child-protection check, never the certificate itself.
    child_check_valid_until = models.DateField(null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # How many sign-in links the person has asked for; it is in each link's token, so asking
    # for a new link makes the older ones stop working (one valid link at a time).
    sign_in_links = models.PositiveIntegerField(default=0, editable=False)
    # When the person accepted that the tenant stores their data (the GDPR issue adds history).
    consented_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # Secret for the personal calendar feed; a new value revokes the old URL.
    calendar_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Set when the person was erased (apps.privacy.services.erasure): the row stays so that
    # hours and attendance keep counting, but names nobody.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
