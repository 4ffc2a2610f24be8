"""The report to a programme's funder and the city (issue 15, item 5): counts of referrals
and matches of one citizen-matching programme in a period, anonymous, small numbers
suppressed. figures.py aggregates, suppression.py hides, exports.py writes XLSX and PDF."""
