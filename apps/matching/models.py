"""Matching owns no tables: it ranks the people of apps.members for apps.shifts and
apps.recruitment."""
