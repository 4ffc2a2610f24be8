"""Privacy: selectors."""
