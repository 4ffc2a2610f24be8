"""Many rows into one table, fast: `INSERT … SELECT … FROM unnest(arrays) RETURNING id`.

`bulk_create` builds a model instance and prepares every field of every row in Python;
for an import of 50,000 people that is most of its time. Here the columns that differ
per row travel as one array each, every other column is computed once (its default,
`auto_now`, …) and sent as one value. Used where thousands of plain rows are written at
once (the member import); everything else keeps using the ORM.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models

BATCH_SIZE = 5000


def bulk_insert(
    model: type[models.Model],
    columns: Mapping[str, Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = False,
    batch_size: int = BATCH_SIZE,
) -> list[int]:
    """Insert one row per position of the `columns` lists (field name or attname → values,
    ready for the database: str, int, date, None) and return the new primary keys in order.

    `constants` are the same for every row (field name → value, prepared by the field). A
    field left out takes its default, computed once for all rows — except a unique field
    with a callable default (a token), which gets one per row. No signals, no save().
    With `ignore_conflicts`, rows that would break a unique constraint are left out (ON
    CONFLICT DO NOTHING) and only the inserted rows' keys are returned.
    """
    meta = model._meta
    if not isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        raise TypeError(f"{model.__name__}: bulk_insert needs an automatic primary key")
    count = len(next(iter(columns.values()), []))
    if not count:
        return []
    values: dict[models.Field, list[Any]] = {}
    for name, rows in columns.items():
        field = meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{name} is not a column")
        values[field] = list(rows)
    template = model()
    fixed: dict[models.Field, Any] = {}
    for name, value in (constants or {}).items():
        field = meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{name} is not a column")
        fixed[field] = field.get_db_prep_save(value, connection)
    for field in meta.concrete_fields:
        if field in values or field in fixed or field.primary_key:
            continue
        if field.unique and callable(field.default):
            values[field] = [field.get_default() for _ in range(count)]
        else:
            value = field.pre_save(template, add=True)
            fixed[field] = field.get_db_prep_save(value, connection)
    varying = list(values)
    quote = connection.ops.quote_name
    target = ", ".join(quote(str(field.column)) for field in [*varying, *fixed])
    select = ", ".join(
        [f"u.c{index}" for index in range(len(varying))]
        + [f"%s::{_db_type(field)}" for field in fixed]
    )
    arrays = ", ".join(f"%s::{_db_type(field)}[]" for field in varying)
    aliases = ", ".join(f"c{index}" for index in range(len(varying)))
    # Only names from the model's metadata (quoted) and types go into the text; every value
    # is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({target}) SELECT {select} "  # noqa: S608
        f"FROM unnest({arrays}) AS u({aliases})"
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + f" RETURNING {quote(meta.pk.column)}"
    )
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, count, batch_size):
            # In the order of the text: the constants (select list), then the arrays.
            params = [
                *fixed.values(),
                *(values[field][start : start + batch_size] for field in varying),
            ]
            cursor.execute(sql, params)
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _db_type(field: models.Field) -> str:
    # A foreign key's db_type is the type of the key it points to ("bigint").
    db_type = field.db_type(connection)
    if db_type is None:
        raise TypeError(f"{field} has no column type")
    # "varchar(200)" is fine in a cast; a check constraint ("smallint CHECK (…)") is not.
    return db_type.split(" CHECK", 1)[0]
