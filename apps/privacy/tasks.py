"""Privacy: tasks."""
