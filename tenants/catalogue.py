"""What a schema is made of, as comparable data: two schemas made the same way (one
migrated, one made by the template script) have the same fingerprint.

Names are kept, the schema's own name is replaced by `SCHEMA`; columns count by position
among the live ones (a dropped column leaves a gap in attnum, not in the table); each
table's rows as a count and a hash of their text; sequences with their values.

Expressions (defaults, checks, index predicates, trigger conditions) are compared without
their casts and parentheses: PostgreSQL prints a re-parsed expression with casts in other
places (`(ARRAY['a'::varchar])::text[]` comes back as `ARRAY[('a'::varchar)::text]`, the
same test). pg_dump and django-tenants' clone_schema remake them the same way.
"""

import re

from django.db import connection

from tenants.template_render import catalogue_path, quote

_QUERIES = {
    "tables": """
        SELECT c.relname, c.relkind, c.relpersistence, coalesce(c.reloptions, '{}')::text
        FROM pg_class c WHERE c.relnamespace = %(oid)s AND c.relkind IN ('r', 'v', 'm', 'p')""",
    "columns": """
        SELECT c.relname, a.attname,
               row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               a.attgenerated, coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''),
               a.attcollation::regcollation::text
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
        WHERE c.relnamespace = %(oid)s AND c.relkind IN ('r', 'v', 'm', 'p')""",
    "constraints": """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %(oid)s""",
    "indexes": """
        SELECT c.relname, pg_get_indexdef(c.oid)
        FROM pg_class c WHERE c.relnamespace = %(oid)s AND c.relkind IN ('i', 'I')""",
    "triggers": """
        SELECT c.relname, g.tgname, pg_get_triggerdef(g.oid), g.tgenabled
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE c.relnamespace = %(oid)s AND NOT g.tgisinternal""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p WHERE p.pronamespace = %(oid)s""",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
               s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
               coalesce((SELECT t.relname || '.' || a.attname || ':' || d.deptype::text
                         FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                         WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass
                           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
                        '')
        FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
        WHERE c.relnamespace = %(oid)s""",
    "comments": """
        SELECT c.relname, d.objsubid, d.description
        FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
        WHERE d.classoid = 'pg_class'::regclass AND c.relnamespace = %(oid)s""",
}


def fingerprint(schema: str) -> dict[str, list[tuple]]:
    """The schema's objects and rows, each kind sorted, its own name written `SCHEMA`."""
    found: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor, catalogue_path(cursor):
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        (oid,) = cursor.fetchone()
        for kind, query in _QUERIES.items():
            cursor.execute(query, {"oid": oid})
            found[kind] = sorted(_neutral(row, schema, kind) for row in cursor.fetchall())
        found["sequence values"] = sorted(_sequence_values(cursor, oid))
        found["rows"] = sorted(_rows(cursor, oid))
    return found


def differences(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]]) -> list[str]:
    """What one fingerprint has that the other lacks, kind by kind, readable."""
    found = []
    for kind in sorted(set(expected) | set(actual)):
        want, have = set(expected.get(kind, [])), set(actual.get(kind, []))
        found += [f"{kind}: missing {item}" for item in sorted(want - have, key=repr)]
        found += [f"{kind}: extra {item}" for item in sorted(have - want, key=repr)]
    return found


_CAST = re.compile(r"::[a-z][a-z ]*(?:\([0-9, ]+\))?(?:\[\])?")
_SPACED = re.compile(r"\s*([,\[\]])\s*")
_EXPRESSION_KINDS = ("columns", "constraints", "indexes", "triggers")


def _neutral(row: tuple, schema: str, kind: str) -> tuple:
    prefixes = (f"{quote(schema)}.", f"{schema}.")

    def neutral(value: object) -> object:
        if isinstance(value, str):
            for prefix in prefixes:
                value = value.replace(prefix, "SCHEMA.")
            if kind in _EXPRESSION_KINDS:
                value = " ".join(_CAST.sub("", value).translate({40: " ", 41: " "}).split())
                value = _SPACED.sub(r"\1", value)
        return value

    return tuple(neutral(value) for value in row)


def _sequence_values(cursor, oid: int) -> list[tuple]:
    cursor.execute(
        "SELECT relname, oid::regclass::text FROM pg_class WHERE relnamespace = %s "
        "AND relkind = 'S'",
        [oid],
    )
    values = []
    for name, qualified in cursor.fetchall():
        cursor.execute(f"SELECT last_value, is_called FROM {qualified}")  # noqa: S608
        values.append((name, *cursor.fetchone()))
    return values


def _rows(cursor, oid: int) -> list[tuple]:
    cursor.execute(
        "SELECT relname, oid::regclass::text FROM pg_class WHERE relnamespace = %s "
        "AND relkind = 'r'",
        [oid],
    )
    counts = []
    for name, qualified in cursor.fetchall():
        rows = "coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
        cursor.execute(f"SELECT count(*), {rows} FROM {qualified} t")  # noqa: S608
        counts.append((name, *cursor.fetchone()))
    return counts
