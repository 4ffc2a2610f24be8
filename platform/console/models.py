"""The console keeps no tables of its own: tenants live in `tenants`, staff in `accounts`."""
