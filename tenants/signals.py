"""Signals of the tenant registry, for the apps above it to hook into (tenants imports none
of them)."""

from django.dispatch import Signal

# Sent by tenants.services.tenant_provision inside the new tenant's schema and inside the
# provisioning transaction, once the schema is made and its domain exists. Receivers set
# the tenant up (apps.accounts: the first admin and their invitation; apps.legal: the standard
# privacy notice and accessibility statement); if one raises, nothing is created.
# Arguments: tenant, admin_email, admin_name, actor.
tenant_provisioned = Signal()
