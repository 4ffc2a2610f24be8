"""Matching has no background tasks: suggestions are computed when the page is opened."""
