"""Privacy: views."""
