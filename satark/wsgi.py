"""WSGI entry point (gunicorn satark.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satark.settings.embedded")
application = get_wsgi_application()
