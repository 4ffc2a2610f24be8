"""No background work yet: every report is fast enough to build in the request (see
bench/reports.py)."""
