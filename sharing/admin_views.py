"""Draft links in the Wagtail admin: create one for a page (the token is shown once, on the page the
form returns, and never put in a URL, a message or the session), list them all, revoke one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import Page

from .forms import DraftLinkForm
from .models import DraftLink


def can_share(user, page):
    return page.permissions_for_user(user).can_edit()


def can_manage(user):
    return user.has_perm("sharing.view_draftlink")


@never_cache
def create(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_share(request.user, page):
        raise PermissionDenied
    revision = page.get_latest_revision()
    context = {"page": page, "revision": revision, "can_manage": can_manage(request.user),
               "links": DraftLink.objects.filter(page=page).select_related("created_by", "revision")[:20]}
    if request.method == "POST" and revision is not None:
        form = DraftLinkForm(request.POST)
        if form.is_valid():
            link, token = DraftLink.create_for(page, request.user, form.cleaned_data["days"])
            context.update(link=link, url=request.build_absolute_uri(reverse("draft_link", args=[token])))
            return TemplateResponse(request, "sharing/admin/created.html", context)
    else:
        form = DraftLinkForm()
    context["form"] = form
    return TemplateResponse(request, "sharing/admin/create.html", context)


def index(request):
    if not can_manage(request.user):
        raise PermissionDenied
    links = DraftLink.objects.select_related("page", "revision", "created_by", "revoked_by")
    page = None
    if request.GET.get("page", "").isdigit():
        page = Page.objects.filter(pk=request.GET["page"]).first()
        links = links.filter(page=page)
    return TemplateResponse(request, "sharing/admin/index.html", {"links": links[:500], "filtered_page": page})


@require_POST
def revoke(request, pk):
    link = get_object_or_404(DraftLink, pk=pk)
    if not (request.user.has_perm("sharing.change_draftlink") or link.created_by_id == request.user.pk):
        raise PermissionDenied
    link.revoke(request.user)
    messages.success(request, f"The draft link to “{link.page.title}” was revoked: it now shows “link revoked”.")
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/admin/")
                    else "sharing_index")
