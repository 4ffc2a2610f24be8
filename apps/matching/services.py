"""Matching writes nothing of its own: adding a candidate goes through apps.shifts.services."""
