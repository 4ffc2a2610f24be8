"""Billing is run from the console (plans, subscriptions, invoices); the Django admin is not
mounted."""
