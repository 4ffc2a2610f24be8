"""django-tenants' PostgreSQL backend, with the schema editor of schema.py.

Plain PostgreSQL sees the same catalogue as with django-tenants' backend alone; Citus (a
coordinator distributing tenant schemas, docs/scaling.md) accepts what it sends.
"""

from django_tenants.postgresql_backend import base

from kernel.postgresql_backend.schema import DatabaseSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
