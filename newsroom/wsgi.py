"""WSGI entry point for gunicorn: `gunicorn newsroom.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from newsroom import greenlets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")

application = get_wsgi_application()
if greenlets.active():
    application = greenlets.BufferedOneAtATime(application)
