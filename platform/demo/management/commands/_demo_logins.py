"""The demo's logins as plain data: `make run` prints them before Django is set up.

Nothing here may import Django or a model (config.devstack reads it in the parent process,
which never calls django.setup()); seed_demo builds the tenants from it.
"""

DEMO_PASSWORD = "tovholder-demo"
CONSOLE_EMAIL = "vendor@tovholder.dk"
VOLUNTEER_EMAIL = "frivillig@example.dk"
COORDINATOR_EMAIL = "koordinator@example.dk"
# The demo admins must use two-factor sign-in (apps.twofactor) like real ones. Their
# authenticator app has this published key (add it to any app by hand, or
# `oathtool --totp -b KEY`), and these recovery codes are restored at every `make run`.
# Demo only: a real key is random and a recovery code is used once.
DEMO_TOTP_KEY = "TOVHOLDERDEMOTOVHOLDERDEMO234567"  # base32, 20 bytes
DEMO_RECOVERY_CODES = [f"demo{number:04d}" for number in range(1, 11)]
DEMO_TENANTS: list[dict[str, str]] = [
    {
        "slug": "nyborg",
        "name": "Nyborg Kommune",
        "kind": "municipality",
        "admin_email": "admin@nyborg.dk",
        "admin_name": "Nanna Nyborg",
        "primary_colour": "#004b87",
        "accent_colour": "#8b2a2a",
        "welcome_text": "Bliv frivillig i Nyborg: find en opgave, der passer til dig.",
    },
    {
        "slug": "visitaarhus",
        "name": "VisitAarhus",
        "kind": "region",
        "admin_email": "admin@visitaarhus.dk",
        "admin_name": "Anders Aarhus",
        "primary_colour": "#1d5c4d",
        "accent_colour": "#6b3fa0",
        "welcome_text": "Vær med, når Aarhus tager imod sine gæster.",
    },
]
