"""A schema editor whose DDL Citus can distribute, and that PostgreSQL runs as before.

Citus propagates a DDL statement to the shards by re-parsing its text on each worker, one
statement per command, and refuses two things Django's PostgreSQL schema editor does:

- several statements in one string: Django's own templates (an inline foreign key followed
  by `SET CONSTRAINTS ... IMMEDIATE`, `UPDATE ...; SET CONSTRAINTS ALL IMMEDIATE` when a
  column gets a default, dropping a foreign key), RunSQL lists whose items hold a script.
  `execute` sends them one statement at a time, in order, in the same transaction;
- an unnamed CHECK or UNIQUE constraint in `ALTER TABLE ... ADD COLUMN` (a
  PositiveIntegerField's `CHECK (x >= 0)`): Citus cannot pick the same name on every shard.
  `add_field` names it as PostgreSQL would have (`<table>_<column>_check`, `..._key`,
  shortened and numbered the same way), so the catalogue is identical either way.
"""

import sqlparse
from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgresSchemaEditor

NAMEDATALEN = 64  # PostgreSQL's identifier limit is NAMEDATALEN - 1 bytes


def pg_object_name(name1: str, name2: str, label: str) -> str:
    """PostgreSQL's makeObjectName(): `name1_name2_label` in 63 bytes, shortening the longer
    of name1 and name2 one byte at a time, never inside a multi-byte character."""
    one, two = name1.encode(), name2.encode()
    available = NAMEDATALEN - 1 - (len(label.encode()) + 2)
    chars1, chars2 = len(one), len(two)
    while chars1 + chars2 > available:
        if chars1 > chars2:
            chars1 -= 1
        else:
            chars2 -= 1
    return f"{_clip(one, chars1)}_{_clip(two, chars2)}_{label}"


def _clip(name: bytes, length: int) -> str:
    return name[:length].decode(errors="ignore")  # drops a character cut in half


def statements(sql: str) -> list[str]:
    """The statements of a script; a string without an inner `;` is one statement."""
    if ";" not in sql.strip().rstrip(";"):
        return [sql]
    return [part for part in sqlparse.split(sql) if part.strip().rstrip(";").strip()]


class DatabaseSchemaEditor(PostgresSchemaEditor):
    _naming_column: tuple[str, str] | None = None

    def execute(self, sql, params=()):
        if params is not None:
            # What PostgreSQL's editor does first: parameters merged client-side.
            sql, params = self.connection.ops.compose_sql(str(sql), params), None
        parts = statements(str(sql))
        if len(parts) == 1:
            return super().execute(sql, params)
        for part in parts:
            super().execute(part, None)
        return None

    def add_field(self, model, field):
        if field.many_to_many:  # a table of its own (CREATE TABLE names what it needs)
            return super().add_field(model, field)
        self._naming_column = (model._meta.db_table, field.column)
        try:
            return super().add_field(model, field)
        finally:
            self._naming_column = None

    @property
    def sql_check_constraint(self) -> str:  # type: ignore[override]
        if self._naming_column is None:
            return PostgresSchemaEditor.sql_check_constraint
        name = self._free_name(*self._naming_column, "check", catalogue="pg_constraint")
        constraint = f"CONSTRAINT {self.quote_name(name)} "
        return constraint.replace("%", "%%") + PostgresSchemaEditor.sql_check_constraint

    def _iter_column_sql(self, column_db_type, params, model, field, *args, **kwargs):
        parts = super()._iter_column_sql(  # type: ignore[misc]  # not in django-stubs
            column_db_type, params, model, field, *args, **kwargs
        )
        for part in parts:
            if part == "UNIQUE" and self._naming_column is not None:
                name = self._free_name(*self._naming_column, "key", catalogue="pg_class")
                part = f"CONSTRAINT {self.quote_name(name)} UNIQUE"
            yield part

    def _free_name(self, table: str, column: str, label: str, *, catalogue: str) -> str:
        """PostgreSQL's choice for an unnamed constraint of a new column: the first of
        label, label1, label2, ... whose name is not taken in the table's schema (a CHECK
        by another constraint, a UNIQUE's index by another relation)."""
        if self.collect_sql:  # sqlmigrate: nothing to ask, the table may not exist
            return pg_object_name(table, column, label)
        name_column, schema_column = {
            "pg_constraint": ("conname", "connamespace"),
            "pg_class": ("relname", "relnamespace"),
        }[catalogue]
        query = (
            f"SELECT EXISTS (SELECT FROM pg_catalog.{catalogue} WHERE {name_column} = %s "  # noqa: S608
            f"AND {schema_column} = (SELECT relnamespace FROM pg_catalog.pg_class "
            "WHERE oid = to_regclass(%s)))"
        )
        number = 0
        while True:
            name = pg_object_name(table, column, f"{label}{number or ''}")
            with self.connection.cursor() as cursor:
                cursor.execute(query, [name, self.quote_name(table)])
                if not cursor.fetchone()[0]:
                    return name
            number += 1
