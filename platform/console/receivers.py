"""What the console does when something happens (connected in ConsoleConfig.ready)."""

from typing import Any

from django.db import connection

from kernel.sessions import clock_start


def signed_in(*, sender: Any, request: Any, user: Any, **_: Any) -> None:
    """django.contrib.auth's user_logged_in in the console: start the idle clock with the
    sign-in's own session save (config.middleware.IdleSignOut signs vendor staff out after
    CONSOLE_IDLE_MINUTES), so their first page writes nothing more."""
    if request is not None and getattr(connection, "schema_name", "public") == "public":
        clock_start(request.session)
