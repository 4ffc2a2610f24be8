"""No background work: every section of the home page is read in the request, in a fixed
number of queries (see selectors.py)."""
