"""The template schema as a script: new tenants' schemas are made by running it, not by
django-tenants' `clone_schema`.

`clone_schema` is a PL/pgSQL function that reads the whole catalogue for every object it
copies: with 300-1,000 tenants one clone took 14-40 s (past gunicorn's timeout). Instead,
`setup_platform` reads the template schema's catalogue once, after migrating, and writes
the statements that make it (tables, identity sequences and their values, defaults,
constraints, indexes, functions, triggers, comments, and the seed rows: migrations
recorded, content types, permissions), with the schema's name replaced by a marker. They
are kept in the public schema (`TemplateScript`), keyed by a hash of the template's applied
migrations, and checked before they are kept: run under a scratch name, the result must
have the same catalogue as the template (`tenants.catalogue`), then rolled back.

Provisioning runs them one statement at a time, at top level (not inside a function:
Citus distributes only tables created at top level), in the caller's transaction. Their
cost depends on the template's size, not on how many tenants exist.

Why not `pg_dump --schema-only`: the image has no PostgreSQL client tools, and pg_dump must
match the server's major version; the server prints every definition itself here
(pg_get_indexdef, pg_get_constraintdef, ...), with every name qualified.
"""

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from tenants.models import TemplateScript

log = logging.getLogger(__name__)

MARK = "__tovholder_schema__"  # stands for the new schema's quoted name in every statement


class TemplateUnsupported(RuntimeError):
    """The template holds an object the script cannot make; setup_platform refuses."""


class _RollBack(Exception):
    pass


@dataclass(frozen=True)
class Script:
    key: str
    statements: list[str]

    def for_schema(self, schema: str) -> list[str]:
        return [statement.replace(MARK, quote(schema)) for statement in self.statements]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


# --- rendering ----------------------------------------------------------------------------


def render(schema: str) -> list[str]:
    """The statements that make `schema` again under the marker's name."""
    with transaction.atomic(), connection.cursor() as cursor, catalogue_path(cursor):
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        row = cursor.fetchone()
        if row is None:
            raise TemplateUnsupported(f"no schema {schema!r}")
        oid = row[0]
        _refuse_unsupported(cursor, oid, schema)
        statements = [
            *_functions(cursor, oid),
            *_sequences(cursor, oid),
            *_tables(cursor, oid),
            *_rows(cursor, oid, schema),
            *_sequence_values(cursor, oid),
            *_foreign_keys(cursor, oid),
            *_indexes(cursor, oid),
            *_sequence_owners(cursor, oid),
            *_views(cursor, oid),
            *_triggers(cursor, oid),
            *_comments(cursor, oid),
        ]
    return [_marked(statement, schema) for statement in statements]


@contextmanager
def catalogue_path(cursor) -> Iterator[None]:
    """Every name outside pg_catalog comes out qualified, so that the template's name can be
    told apart and replaced (pg_get_expr & co. qualify by the search path); then the
    connection's own path again (django-tenants sets it once per tenant switch). Inside
    transaction.atomic()."""
    cursor.execute("SELECT current_setting('search_path')")
    (before,) = cursor.fetchone()
    cursor.execute("SELECT set_config('search_path', 'pg_catalog', true)")
    yield  # on an error the caller's rollback (to its savepoint) undoes the SET as well
    cursor.execute("SELECT set_config('search_path', %s, true)", [before])


def _marked(statement: str, schema: str) -> str:
    prefixes = {f"{quote(schema)}.", f"{schema}."}
    if MARK in statement:
        raise TemplateUnsupported(f"the template contains the marker {MARK!r}")
    for prefix in prefixes:
        statement = statement.replace(prefix, f"{MARK}.")
    if schema in statement:
        # Not as a qualifier: in a string or a name. Which one cannot be told here.
        raise TemplateUnsupported(
            f"the template's name {schema!r} appears in a statement other than as a "
            f"qualifier: {statement[:300]}"
        )
    return statement


def _refuse_unsupported(cursor, oid: int, schema: str) -> None:
    checks = {
        "partitioned, foreign or child table": """
            SELECT relname FROM pg_class WHERE relnamespace = %(oid)s
               AND (relkind IN ('p', 'f') OR relispartition
                    OR oid IN (SELECT inhrelid FROM pg_inherits))""",
        "materialized view": "SELECT relname FROM pg_class WHERE relnamespace = %(oid)s "
        "AND relkind = 'm'",
        "type (enum, domain, composite, range)": """
            SELECT typname FROM pg_type t WHERE typnamespace = %(oid)s AND typtype <> 'b'
               AND NOT (typtype = 'c' AND typrelid IN (SELECT oid FROM pg_class
                        WHERE relnamespace = %(oid)s))""",
        "row-level security": "SELECT relname FROM pg_class WHERE relnamespace = %(oid)s "
        "AND (relrowsecurity OR relforcerowsecurity)",
        "rule": """SELECT rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
               WHERE c.relnamespace = %(oid)s AND r.rulename <> '_RETURN'""",
        "privilege": "SELECT relname FROM pg_class WHERE relnamespace = %(oid)s "
        "AND relacl IS NOT NULL",
        "extension": "SELECT extname FROM pg_extension WHERE extnamespace = %(oid)s",
        "statistics object": "SELECT stxname FROM pg_statistic_ext WHERE stxnamespace = %(oid)s",
        "collation": "SELECT collname FROM pg_collation WHERE collnamespace = %(oid)s",
        "aggregate or procedure": "SELECT proname FROM pg_proc WHERE pronamespace = %(oid)s "
        "AND prokind <> 'f'",
    }
    for what, query in checks.items():
        cursor.execute(query, {"oid": oid})
        names = [row[0] for row in cursor.fetchall()]
        if names:
            raise TemplateUnsupported(
                f"the template schema {schema!r} has a {what} the template script cannot "
                f"make yet: {', '.join(names[:5])}. Teach tenants/template_script.py."
            )


def _functions(cursor, oid: int) -> list[str]:
    cursor.execute(
        "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %s ORDER BY oid",
        [oid],
    )
    return [row[0] for row in cursor.fetchall()]


_SEQUENCE_OPTIONS = """
    format('INCREMENT BY %%s MINVALUE %%s MAXVALUE %%s START WITH %%s CACHE %%s%%s',
           s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
           CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END)
"""


def _sequences(cursor, oid: int) -> list[str]:
    """Sequences that are not an identity column's (those come with their column)."""
    cursor.execute(
        f"""
        SELECT format('CREATE SEQUENCE %%s AS %%s %%s', c.oid::regclass,
                      format_type(s.seqtypid, NULL), {_SEQUENCE_OPTIONS})
        FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
        WHERE c.relnamespace = %s AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid
                          AND d.classid = 'pg_class'::regclass AND d.deptype = 'i')
        ORDER BY c.oid
        """,  # noqa: S608
        [oid],
    )
    return [row[0] for row in cursor.fetchall()]


def _tables(cursor, oid: int) -> list[str]:
    cursor.execute(
        f"""
        SELECT c.oid::regclass, c.relpersistence, c.reloptions,
               string_agg(
                 format('%%I %%s', a.attname, format_type(a.atttypid, a.atttypmod))
                 || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                         THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
                 || CASE WHEN a.attgenerated = 's'
                         THEN ' GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid)
                              || ') STORED'
                         WHEN ad.adbin IS NOT NULL
                         THEN ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE '' END
                 || CASE a.attidentity
                         WHEN '' THEN ''
                         ELSE format(' GENERATED %%s AS IDENTITY (SEQUENCE NAME %%s %%s)',
                                     CASE a.attidentity WHEN 'a' THEN 'ALWAYS'
                                          ELSE 'BY DEFAULT' END,
                                     seq.oid::regclass, {_SEQUENCE_OPTIONS}) END
                 || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                 ', ' ORDER BY a.attnum)
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
        LEFT JOIN pg_depend d ON d.refobjid = c.oid AND d.refobjsubid = a.attnum
             AND d.classid = 'pg_class'::regclass AND d.deptype = 'i' AND a.attidentity <> ''
        LEFT JOIN pg_class seq ON seq.oid = d.objid
        LEFT JOIN pg_sequence s ON s.seqrelid = seq.oid
        WHERE c.relnamespace = %s AND c.relkind = 'r'
        GROUP BY c.oid, c.relpersistence, c.reloptions
        ORDER BY c.oid
        """,  # noqa: S608
        [oid],
    )
    tables = cursor.fetchall()
    # Keys and checks inside CREATE TABLE: one statement a table instead of one a constraint
    # (each ALTER TABLE opens, locks and re-reads the table: half the script's time).
    cursor.execute(
        """
        SELECT k.conrelid::regclass, string_agg(
                 format('CONSTRAINT %%I %%s', k.conname, pg_get_constraintdef(k.oid)),
                 ', ' ORDER BY k.contype DESC, k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %s AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'c')
          AND k.conislocal AND k.convalidated
        GROUP BY k.conrelid
        """,
        [oid],
    )
    inline = {str(table): constraints for table, constraints in cursor.fetchall()}
    statements = []
    for table, persistence, options, columns in tables:
        unlogged = "UNLOGGED " if persistence == "u" else ""
        with_options = f" WITH ({', '.join(options)})" if options else ""
        constraints = f", {inline[str(table)]}" if str(table) in inline else ""
        statements.append(f"CREATE {unlogged}TABLE {table} ({columns}{constraints}){with_options}")
    return statements


def _rows(cursor, oid: int, schema: str) -> list[str]:
    """The template's rows (it holds no tenant data: migrations, content types,
    permissions), each table's as one INSERT of a JSON literal."""
    cursor.execute(
        """
        SELECT c.oid::regclass,
               string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),
               bool_or(a.attidentity <> '')
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             AND a.attgenerated = ''
        WHERE c.relnamespace = %s AND c.relkind = 'r'
        GROUP BY c.oid ORDER BY c.oid
        """,
        [oid],
    )
    statements = []
    for table, columns, identity in cursor.fetchall():
        cursor.execute(f"SELECT quote_literal(json_agg(t)::text) FROM {table} t")  # noqa: S608
        (rows,) = cursor.fetchone()
        if rows is None:
            continue
        if schema in rows:
            raise TemplateUnsupported(f"a row of {table} names the template schema {schema!r}")
        overriding = " OVERRIDING SYSTEM VALUE" if identity else ""
        statements.append(
            f"INSERT INTO {table} ({columns}){overriding} SELECT {columns} "  # noqa: S608
            f"FROM json_populate_recordset(NULL::{table}, {rows})"
        )
    return statements


def _sequence_values(cursor, oid: int) -> list[str]:
    cursor.execute(
        "SELECT c.oid::regclass FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'S' "
        "ORDER BY c.oid",
        [oid],
    )
    calls = []
    for (sequence,) in cursor.fetchall():
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        value, called = cursor.fetchone()
        calls.append(f"setval({_literal(cursor, str(sequence))}::regclass, {value}, {called})")
    return [f"SELECT {', '.join(calls)}"] if calls else []


def _literal(cursor, text: str) -> str:
    cursor.execute("SELECT quote_literal(%s)", [text])
    return cursor.fetchone()[0]


def _foreign_keys(cursor, oid: int) -> list[str]:
    """Foreign keys (and checks added NOT VALID), after the rows: one ALTER TABLE a table."""
    cursor.execute(
        """
        SELECT format('ALTER TABLE %%s %%s', c.oid::regclass, string_agg(
                 format('ADD CONSTRAINT %%I %%s', k.conname, pg_get_constraintdef(k.oid)),
                 ', ' ORDER BY k.oid))
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %s AND c.relkind = 'r' AND k.conislocal
          AND (k.contype = 'f' OR (k.contype = 'c' AND NOT k.convalidated))
        GROUP BY c.oid ORDER BY c.oid
        """,
        [oid],
    )
    return [row[0] for row in cursor.fetchall()]


def _indexes(cursor, oid: int) -> list[str]:
    """Indexes that no constraint made (those come with their constraint)."""
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                          AND k.contype IN ('p', 'u', 'x') AND k.conrelid = i.indrelid)
        ORDER BY i.indexrelid
        """,
        [oid],
    )
    return [row[0] for row in cursor.fetchall()]


def _sequence_owners(cursor, oid: int) -> list[str]:
    """Serial-style sequences owned by a column (identity sequences are owned already)."""
    cursor.execute(
        """
        SELECT format('ALTER SEQUENCE %%s OWNED BY %%s.%%I', s.oid::regclass,
                      t.oid::regclass, a.attname)
        FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
             AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relnamespace = %s AND s.relkind = 'S'
        ORDER BY s.oid
        """,
        [oid],
    )
    return [row[0] for row in cursor.fetchall()]


def _views(cursor, oid: int) -> list[str]:
    cursor.execute(
        "SELECT format('CREATE VIEW %%s AS %%s', c.oid::regclass, pg_get_viewdef(c.oid)) "
        "FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'v' ORDER BY c.oid",
        [oid],
    )
    return [row[0].rstrip().rstrip(";") for row in cursor.fetchall()]


def _triggers(cursor, oid: int) -> list[str]:
    cursor.execute(
        """
        SELECT pg_get_triggerdef(g.oid), g.tgenabled, c.oid::regclass, g.tgname
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE c.relnamespace = %s AND NOT g.tgisinternal ORDER BY g.oid
        """,
        [oid],
    )
    statements = []
    enabling = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}
    for definition, enabled, table, name in cursor.fetchall():
        statements.append(definition)
        if enabled in enabling:
            statements.append(f"ALTER TABLE {table} {enabling[enabled]} TRIGGER {quote(name)}")
    return statements


def _comments(cursor, oid: int) -> list[str]:
    cursor.execute(
        """
        SELECT format('COMMENT ON %%s %%s IS %%L',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE'
                           WHEN 'i' THEN 'INDEX' ELSE 'TABLE' END,
                      c.oid::regclass, d.description)
        FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
        WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relnamespace = %s
        UNION ALL
        SELECT format('COMMENT ON COLUMN %%s.%%I IS %%L', c.oid::regclass, a.attname,
                      d.description)
        FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
        WHERE d.classoid = 'pg_class'::regclass AND d.objsubid > 0 AND c.relnamespace = %s
        UNION ALL
        SELECT format('COMMENT ON FUNCTION %%s IS %%L', p.oid::regprocedure, d.description)
        FROM pg_description d JOIN pg_proc p ON p.oid = d.objoid
        WHERE d.classoid = 'pg_proc'::regclass AND p.pronamespace = %s
        """,
        [oid, oid, oid],
    )
    return [row[0] for row in cursor.fetchall()]
