"""Moderation in the Wagtail admin (Comments in the menu): the queue, with filters by state and
article and bulk approve / reject / spam / delete; editors' per-page settings; the blocklist."""

import django_filters
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminPageChooser
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from news.models import ArticlePage

from .models import BlockedTerm, Comment, CommentRule


class NoAddingCommentsPolicy(ModelPermissionPolicy):
    """Comments come from readers: nobody adds one in the admin, superusers included."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action != "add"]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


register_permission_policy(Comment, NoAddingCommentsPolicy(Comment))


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Comment.Status.choices, label="State",
                                         empty_label="Any state")
    article = django_filters.ModelChoiceFilter(queryset=ArticlePage.objects.order_by("title"), label="Article",
                                               empty_label="Any article")

    class Meta:
        model = Comment
        fields = ["status", "article"]


class CommentViewSet(SnippetViewSet):
    model = Comment
    permission_policy = NoAddingCommentsPolicy(Comment)
    icon = "comment"
    menu_label = "Moderation queue"
    url_prefix = "comments/queue"
    list_display = [Column("__str__", label="Comment"), "article", "status", "held_because", "created_at"]
    filterset_class = CommentFilterSet
    search_fields = ["text", "name"]
    search_backend_name = None  # the database: comments never go into the OpenSearch index
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["article", "parent", "name", "text", "status", "held_because", "created_at",
                           "moderated_at"]
    # Editors decide the state and may correct a typo; who wrote it and where stays as it is.
    panels = [HelpPanel(template="comments/admin/comment_context.html"), FieldPanel("status"), FieldPanel("text")]

    def get_queryset(self, request):
        return Comment.objects.select_related("article")


class CommentRuleViewSet(SnippetViewSet):
    model = CommentRule
    icon = "lock"
    menu_label = "Closed and off"
    url_prefix = "comments/settings"
    list_display = ["page", "state"]
    panels = [FieldPanel("page", widget=AdminPageChooser(target_models=["news.ArticlePage", "news.SectionPage"])),
              FieldPanel("state")]


class BlockedTermViewSet(SnippetViewSet):
    model = BlockedTerm
    icon = "warning"
    menu_label = "Blocklist"
    url_prefix = "comments/blocklist"
    list_display = ["value", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value"]
    search_backend_name = None


class CommentsGroup(SnippetViewSetGroup):
    items = (CommentViewSet, CommentRuleViewSet, BlockedTermViewSet)
    menu_icon = "comment"
    menu_label = "Comments"
    menu_name = "comments"
    menu_order = 250


register_snippet(CommentsGroup)


def set_status(comments, status):
    """Each comment saved (not a bulk UPDATE) so its article's page is purged and its authors told."""
    now = timezone.now()
    changed = 0
    for comment in comments:
        if comment.status != status:
            comment.status, comment.moderated_at = status, now
            comment.save(update_fields=["status", "moderated_at"])
            changed += 1
    return changed


class ModerationBulkAction(SnippetBulkAction):
    models = [Comment]
    template_name = "comments/admin/confirm_bulk_moderation.html"
    new_status = None

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", obj)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return set_status(objects, cls.new_status), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} comment{'s' if num_parent_objects != 1 else ''} marked " \
               f"{Comment.Status(self.new_status).label.lower()}."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_label"] = self.display_name
        return context


@hooks.register("register_bulk_action")
class ApproveBulkAction(ModerationBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected comments"
    action_priority = 10
    new_status = Comment.Status.APPROVED


@hooks.register("register_bulk_action")
class RejectBulkAction(ModerationBulkAction):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject selected comments"
    action_priority = 20
    new_status = Comment.Status.REJECTED


@hooks.register("register_bulk_action")
class SpamBulkAction(ModerationBulkAction):
    display_name = "Mark spam"
    action_type = "spam"
    aria_label = "Mark selected comments as spam"
    action_priority = 25
    new_status = Comment.Status.SPAM
