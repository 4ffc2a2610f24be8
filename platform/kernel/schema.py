from django.db import connection


def current_schema() -> str:
    """The schema the connection is in; django-tenants adds `schema_name` at run time."""
    return str(getattr(connection, "schema_name", "public"))
