"""Privacy: admin."""
