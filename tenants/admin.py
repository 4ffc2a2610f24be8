"""The console is the admin surface for tenants; the Django admin is not mounted."""
