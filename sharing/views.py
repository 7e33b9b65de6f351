"""The public side of a draft link: /draft/<token>/ renders the link's revision exactly as the live
site would, with a banner, and is never cached or indexed. Unknown tokens get the same 404 whatever
exists behind them; expired or revoked links a 410 that says so."""

from django.shortcuts import render

from core.previews import draft_response_headers

from .models import DraftLink


def _private(response):
    """Never cached or indexed, like every draft shown (core.previews), and the token in the URL
    is never sent to another site in a Referer header."""
    response["Referrer-Policy"] = "no-referrer"
    return draft_response_headers(response)


def draft(request, token):
    link = DraftLink.objects.find(token)
    if link is None:
        return _private(render(request, "sharing/link_invalid.html", status=404))
    if not link.is_active:
        return _private(render(request, "sharing/link_gone.html", {"reason": link.status}, status=410))

    page = link.revision.as_object()
    # Rendered as a preview (mode "": the page as readers see it): templates leave out what only a
    # live page should do, such as the Top Trending view beacon.
    request.is_preview = True
    request.preview_mode = ""
    request.draft_preview = link
    response = page.serve_preview(request, "")
    if getattr(response, "context_data", None) is not None:
        response.context_data["draft_preview"] = link
    if callable(getattr(response, "render", None)):
        response = response.render()
    return _private(response)
