"""The template schema's catalogue printed as SQL statements (tenants.template_script
keeps and runs them): every definition printed by the server itself, the template's name
replaced by a marker; what cannot be made is refused by name."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

MARK = "__tovholder_schema__"  # stands for the new schema's quoted name in every statement


class TemplateUnsupported(RuntimeError):
    """The template holds an object the script cannot make; setup_platform refuses."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """Foreign keys (and checks added NOT VALID), after the rows: one ALTER TABLE each.
    Grouping a table's constraints in one ALTER TABLE would be a little faster, but Citus
    refuses an ADD CONSTRAINT with other subcommands (docs/scaling.md)."""
    cursor.execute(
        """
        SELECT format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s',
                      c.oid::regclass, k.conname, pg_get_constraintdef(k.oid))
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %s AND c.relkind = 'r' AND k.conislocal
          AND (k.contype = 'f' OR (k.contype = 'c' AND NOT k.convalidated))
        ORDER BY c.oid, k.oid
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
