"""Privacy services, one module per right or duty: export.py (articles 15 and 20),
erasure.py (article 17), retention.py (storage limitation)."""
