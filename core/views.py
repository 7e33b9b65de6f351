"""Site-wide answers that belong to no app."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page says: the site's icon.
    Resolved per request, not when the URLs load: the static files' manifest (production's hashed
    names) may not exist yet when settings are checked, before collectstatic."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
