"""What organisations does when something happens (connected in OrganisationsConfig.ready)."""

from typing import Any

from django.db import connection

from apps.organisations.sessions import session_start


def signed_in(*, sender: Any, request: Any, user: Any, **_: Any) -> None:
    """django.contrib.auth's user_logged_in: start the session's idle clock (staff are
    signed out after the tenant's idle minutes; see apps/organisations/sessions.py). The
    console (public schema) has its own rules and no roles."""
    if request is None or getattr(connection, "schema_name", "public") == "public":
        return
    session_start(request, user)
