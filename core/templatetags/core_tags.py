from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

from ..site import site_name as site_name_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_name(context):
    """{% site_name as site_name %}: the name core.site gives every surface."""
    request = context.get("request")
    return site_name_for(request) if request is not None else settings.WAGTAIL_SITE_NAME


@register.simple_tag
def static_url(path):
    """{% static %} for the tags every page renders (base.html): Django's tag asks the app registry
    whether staticfiles is installed on each call (apps.is_installed walks every app, ~20 µs, more
    than the URL itself once core.staticfiles keeps it). Escaped like {% static %}'s output."""
    return staticfiles_storage.url(path)
