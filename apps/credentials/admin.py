# No admin: records are issued and revoked by their holder only (services.py), and the
# signing key must never be edited by hand.
