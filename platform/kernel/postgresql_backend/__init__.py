"""The database backend (settings.DATABASES ENGINE): django-tenants' PostgreSQL backend with
a schema editor that Citus accepts (see schema.py and docs/scaling.md)."""
