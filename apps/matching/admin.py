"""Matching has nothing in the Django admin: it owns no models."""
