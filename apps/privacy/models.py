"""A person's GDPR rights (export, erasure), retention and the controller's records."""
