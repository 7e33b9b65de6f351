"""The ceiling `make bench` measures page rows against: one Django view returning a short text, no
middleware, no database, on gunicorn with the same workers. A page's requests per second as a share
of this means the same on any machine (the ratio, not the number, is what the targets are)."""

import django
from django.conf import settings

settings.configure(DEBUG=False, SECRET_KEY="ceiling-only", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[], INSTALLED_APPS=[])
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("Hello, World")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
