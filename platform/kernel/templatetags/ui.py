"""`{% load ui %}`: small helpers for the page frame (templates/base_tenant.html).

`request|menu_section` names the main-menu group the current page belongs to, so the
header can mark it; the menu's own links mark the page itself with aria-current.
"""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.translation import gettext as _

register = template.Library()

# URL name (or its prefix ending in "-") → the main-menu group.
SECTIONS = {
    "planning": (
        "planning",
        "planning-",
        "attendance-",
        "members-",
        "organisations",
        "organisation",
        "organisation-",
        "member",
        "recruitment-board",
        "recruitment-posting-new",
        "recruitment-posting-publish",
        "recruitment-application",
        "recruitment-move",
        "recruitment-interview",
        "recruitment-onboarding",
        "evaluations",
        "evaluations-",
        "citizens-referrals",
        "citizens-referral",
        "citizens-referral-new",
    ),
    "communication": ("messaging", "messaging-", "groups", "group", "group-"),
    "reports": ("reports", "reports-"),
    "settings": ("site-settings", "recruitment-policy", "legal-"),
    "person": (
        "my-shifts",
        "profile",
        "account",
        "recruitment-mine",
        "dashboard",
        "citizens-mine",
        "citizens-proposal",
    ),
}


@register.filter
def menu_section(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    for section, names in SECTIONS.items():
        for candidate in names:
            if name == candidate or (candidate.endswith("-") and name.startswith(candidate)):
                return section
    return ""


@register.simple_tag
def registration_steps() -> list[str]:
    """The steps of becoming a volunteer, for includes/step_indicator.html."""
    return [_("Your details"), _("Confirm your email"), _("Sign up for a shift")]
