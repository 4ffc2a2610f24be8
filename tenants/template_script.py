"""The template schema as a script: new tenants' schemas are made by running it, not by
django-tenants' `clone_schema`.

`clone_schema` is a PL/pgSQL function that reads the whole catalogue for every object it
copies: with 300-1,000 tenants one clone took 14-40 s (past gunicorn's timeout). Instead,
`setup_platform` reads the template schema's catalogue once, after migrating, and writes
the statements that make it (tenants.template_render: tables, identity sequences and
their values, defaults, constraints, indexes, functions, triggers, comments, and the seed
rows: migrations recorded, content types, permissions), with the schema's name replaced by
a marker. They
are kept in the public schema (`TemplateScript`), keyed by a hash of the template's applied
migrations, and checked before they are kept: run under a scratch name, the result must
have the same catalogue as the template (`tenants.catalogue`), then rolled back.

Provisioning runs them, each at top level (not inside a function: Citus distributes only
tables created at top level), in the caller's transaction. Their cost depends on the
template's size, not on how many tenants exist.

Why not `pg_dump --schema-only`: the image has no PostgreSQL client tools, and pg_dump must
match the server's major version; the server prints every definition itself here
(pg_get_indexdef, pg_get_constraintdef, ...), with every name qualified.
"""

import functools
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from tenants.models import TemplateScript
from tenants.template_render import MARK, TemplateUnsupported, quote, render

log = logging.getLogger(__name__)


class _RollBack(Exception):
    pass


@dataclass(frozen=True)
class Script:
    key: str
    statements: list[str]

    def for_schema(self, schema: str) -> list[str]:
        return [statement.replace(MARK, quote(schema)) for statement in self.statements]


def migration_key(schema: str | None = None) -> str:
    """A hash of the migrations applied in the template: the script is made again when
    they change."""
    schema = schema or settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        query = f"SELECT app, name FROM {quote(schema)}.django_migrations ORDER BY 1, 2"  # noqa: S608
        cursor.execute(query)
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


_cached: Script | None = None


def current_script() -> Script:
    """The kept script for the template as it is now; made (and kept) when missing or
    behind, e.g. after a bare `migrate_schemas`."""
    global _cached
    key = migration_key()
    if _cached is not None and _cached.key == key:
        return _cached
    kept = TemplateScript.objects.filter(key=key).first()
    if kept is None:
        log.warning("the template script is missing or behind the migrations: making it")
        kept = script_keep()
    _cached = Script(key=kept.key, statements=list(kept.statements))
    return _cached


def script_keep() -> TemplateScript:
    """Render, check and keep the script for the template (setup_platform, after migrating).
    Returns the TemplateScript row."""
    started = time.perf_counter()
    with transaction.atomic():
        # One at a time: two processes rendering at once would both insert the same key.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tovholder.template_script'))")
        key = migration_key()
        kept = TemplateScript.objects.filter(key=key).first()
        if kept is not None:
            return kept
        statements = render(settings.TENANT_BASE_SCHEMA)
        script = Script(key=key, statements=statements)
        verify(script, settings.TENANT_BASE_SCHEMA)
        TemplateScript.objects.all().delete()  # only the current one is ever used
        kept = TemplateScript.objects.create(
            key=key, statements=statements, seconds=time.perf_counter() - started
        )
    log.info("template script: %d statements in %.2f s", len(statements), kept.seconds)
    return kept


def apply(script: Script, schema: str) -> None:
    """Make `schema` from the script, in the caller's transaction (all or nothing).

    Each statement runs at top level. On plain PostgreSQL they go 100 to a round trip (a
    multi-statement query: still top level, ~15 % faster); with Citus one at a time, as it
    wants DDL (see docs/scaling.md)."""
    if not connection.in_atomic_block:
        raise RuntimeError("run the template script inside transaction.atomic()")
    statements = script.for_schema(schema)
    per_call = 1 if _citus() else 100
    with connection.cursor() as cursor:
        # Function bodies may name tables made later in the script.
        cursor.execute("SET LOCAL check_function_bodies = false")
        cursor.execute(f"CREATE SCHEMA {quote(schema)}")
        for start in range(0, len(statements), per_call):
            cursor.execute(";\n".join(statements[start : start + per_call]))


@functools.cache
def _citus() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
        return bool(cursor.fetchone()[0])


def verify(script: Script, template: str) -> None:
    """Run the script under a scratch name, compare its catalogue with the template's,
    roll back. Raises TemplateUnsupported with the differences."""
    from tenants.catalogue import differences, fingerprint

    scratch = f"tovholder_check_{secrets.token_hex(4)}"
    found: list[str] = []
    try:
        with transaction.atomic():
            apply(script, scratch)
            found = differences(fingerprint(template), fingerprint(scratch))
            raise _RollBack
    except _RollBack:
        pass
    if found:
        raise TemplateUnsupported(
            "the template script does not remake the template schema: " + "; ".join(found[:20])
        )
