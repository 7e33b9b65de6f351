from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_sharing_urls():
    return [
        path("draft-links/", admin_views.index, name="sharing_index"),
        path("draft-links/page/<int:page_id>/", admin_views.create, name="sharing_create"),
        path("draft-links/<int:pk>/revoke/", admin_views.revoke, name="sharing_revoke"),
    ]


class DraftLinksMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_draft_links_menu_item():
    return DraftLinksMenuItem("Draft links", reverse("sharing_index"), icon_name="link", order=350)


class ShareDraftMenuItem(ActionMenuItem):
    label = "Share draft"
    name = "action-share-draft"
    icon_name = "link"

    def is_shown(self, context):
        page = context.get("page")
        if context["view"] != "edit" or page is None or page.latest_revision_id is None:
            return False
        return self.get_user_page_permissions_tester(context).can_edit()

    def get_url(self, parent_context):
        return reverse("sharing_create", args=[parent_context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_share_draft_menu_item():
    return ShareDraftMenuItem(order=60)
