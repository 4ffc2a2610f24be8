"""Privacy: forms."""
