from django import template

from trending.guard import view_token as make_view_token

register = template.Library()


@register.simple_tag
def view_token(article_id):
    """The signed token the article page's view beacon sends (trending.guard)."""
    return make_view_token(article_id)
