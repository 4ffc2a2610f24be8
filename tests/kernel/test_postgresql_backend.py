"""The database backend's schema editor (kernel.postgresql_backend): what Citus needs, with the
catalogue plain PostgreSQL would have made anyway.

Each test creates a throw-away table in the public schema inside its own transaction
(rolled back), and holds the editor's constraint names to the ones PostgreSQL picks for the
same unnamed constraint, asked first in a savepoint rolled back.
"""

import importlib

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from kernel.postgresql_backend.schema import pg_object_name, statements

pytestmark = pytest.mark.django_db

LONG = "kernel_" + "a_rather_long_table_name_for_a_volunteering_" + "x" * 8  # 60 characters


def constraint_names(table: str, kind: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = %s",
            [table, kind],
        )
        return {row[0] for row in cursor.fetchall()}


def postgres_would_name(table: str, column_sql: str, kind: str) -> set[str]:
    """The names PostgreSQL gives the unnamed constraints of `ADD COLUMN column_sql`."""
    before = constraint_names(table, kind)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{table}" ADD COLUMN {column_sql}')
        added = constraint_names(table, kind) - before
        transaction.set_rollback(True)
    return added


def make_twin(table: str) -> type[models.Model]:
    class Twin(models.Model):  # noqa: DJ008 (a table to alter, never shown)
        class Meta:
            app_label = "kernel"
            db_table = table

    with connection.schema_editor() as editor:
        editor.create_model(Twin)
    return Twin


def add(model: type[models.Model], name: str, field: models.Field) -> list[str]:
    """Add `field` as `name` with the project's editor; the SQL strings it executed."""
    field.set_attributes_from_name(name)
    field.model = model
    sent: list[str] = []

    def capture(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture), connection.schema_editor() as editor:
        editor.add_field(model, field)
    return sent


@isolate_apps("kernel")
def test_it_names_an_added_columns_check_as_postgresql_would():
    twin = make_twin(LONG)
    column = "seats_wanted_by_the_organisation_for_this_shift"
    expected = postgres_would_name(LONG, f'"{column}" integer CHECK ("{column}" >= 0)', "c")
    assert len(next(iter(expected)).encode()) == 63  # shortened the way PostgreSQL does

    sent = add(twin, column, models.PositiveIntegerField(default=0))

    assert constraint_names(LONG, "c") == expected
    (added,) = [sql for sql in sent if "ADD COLUMN" in sql]
    assert f'CONSTRAINT "{next(iter(expected))}" CHECK' in added


@isolate_apps("kernel")
def test_it_numbers_the_name_when_another_constraint_has_it():
    twin = make_twin("kernel_twin")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE kernel_neighbour (n integer "
            "CONSTRAINT kernel_twin_places_check CHECK (n > 0))"
        )
    expected = postgres_would_name("kernel_twin", "places integer CHECK (places >= 0)", "c")
    assert expected == {"kernel_twin_places_check1"}

    add(twin, "places", models.PositiveIntegerField(default=0))

    assert constraint_names("kernel_twin", "c") == expected


@isolate_apps("kernel")
def test_it_names_an_added_unique_column_as_postgresql_would():
    twin = make_twin("kernel_twin")
    expected = postgres_would_name("kernel_twin", "code varchar(5) NULL UNIQUE", "u")
    assert expected == {"kernel_twin_code_key"}

    add(twin, "code", models.CharField(max_length=5, null=True, unique=True))

    assert constraint_names("kernel_twin", "u") == expected


@isolate_apps("kernel")
def test_it_sends_djangos_two_statement_templates_one_statement_at_a_time():
    twin = make_twin("kernel_twin")

    # An inline foreign key is "ADD COLUMN ... REFERENCES ...; SET CONSTRAINTS ... IMMEDIATE".
    sent = add(twin, "parent", models.ForeignKey(twin, null=True, on_delete=models.CASCADE))

    assert [statements(sql) for sql in sent] == [[sql] for sql in sent]
    assert any(sql.startswith("SET CONSTRAINTS") for sql in sent)
    assert constraint_names("kernel_twin", "f")  # the key is there all the same


def test_it_splits_the_reports_scripts_between_statements_never_inside_a_function():
    script = importlib.import_module(
        "apps.reports.migrations.0005_fact_row_triggers_per_table"
    ).FORWARD
    parts = statements(script)
    assert len(parts) == 8 + 6 + 7 + 8  # triggers and functions dropped; functions, triggers
    assert "".join(parts).replace(" ", "").replace("\n", "") == script.replace(" ", "").replace(
        "\n", ""
    )
    functions = [part for part in parts if "CREATE FUNCTION" in part]
    assert len(functions) == 7 and all(part.rstrip().endswith("$$;") for part in functions)
    assert statements("SELECT 1;") == ["SELECT 1;"]


def test_pg_object_name_never_cuts_a_character_in_half():
    name = pg_object_name("æ" * 40, "ø" * 40, "check")
    assert len(name.encode()) <= 63 and name.endswith("_check")
    assert name.encode().decode() == name
