import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from tenants.checks import require_template_schema  # noqa: E402  (needs Django set up)

require_template_schema()
