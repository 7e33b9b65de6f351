"""The bar at the top of a preview: which mode it is and which version (draft or live) it shows."""

from django import template

from core.previews import draft_status

register = template.Library()


@register.inclusion_tag("previews/bar.html", takes_context=True)
def preview_bar(context):
    """Shown only in a preview to someone who can use the admin: a draft shared with someone
    without an account carries its own banner."""
    request, page = context.get("request"), context.get("page")
    user = getattr(request, "user", None)
    show = (getattr(request, "is_preview", False) and page is not None and user is not None
            and user.has_perm("wagtailadmin.access_admin"))
    modes = dict(getattr(page, "preview_modes", []) or [])
    mode = getattr(request, "preview_mode", "") or ""
    return {"show": show, "preview_label": context.get("preview_label") or modes.get(mode, "As readers see it"),
            "draft_status": draft_status(page) if show else None}
