"""Matching has no forms: its pages are lists with one button per candidate."""
