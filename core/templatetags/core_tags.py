from django import template
from django.conf import settings

from ..site import site_name as site_name_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_name(context):
    """{% site_name as site_name %}: the name core.site gives every surface."""
    request = context.get("request")
    return site_name_for(request) if request is not None else settings.WAGTAIL_SITE_NAME
