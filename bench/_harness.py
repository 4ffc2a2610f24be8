"""What every benchmark does around its measurements: a throwaway database of its own on
DATABASE_URL's server, Django set up against it (tasks in-process, mail kept in memory),
and the database dropped afterwards, also when the run fails."""

import os
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def run_in_own_database(run: Callable[[], None], *, suffix: str = "_bench") -> None:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") + suffix  # a name of its own: never another bench's
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    _drop(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # eager Celery logs every task at INFO
    import django

    django.setup()
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        _drop(admin_url, name)


def _drop(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
