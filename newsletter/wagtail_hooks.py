"""Subscribers in the Wagtail admin (Newsletter subscribers): a list to look at and delete from, never to
add to or edit. Adding someone, or flipping them to confirmed, would skip their own opt-in."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Subscriber

READ_ONLY_DENIED = {"add", "change"}


class ReadOnlySubscriberPolicy(ModelPermissionPolicy):
    """View (the inspect page) and delete (erasure requests) only, for superusers too."""

    def user_has_permission(self, user, action):
        return action not in READ_ONLY_DENIED and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in READ_ONLY_DENIED]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


register_permission_policy(Subscriber, ReadOnlySubscriberPolicy(Subscriber))


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = "Newsletter subscribers"
    menu_order = 300
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    search_backend_name = None  # plain database search: subscribers are not in the OpenSearch index
    inspect_view_fields = ["email", "status", "created_at", "confirmation_sent_at", "confirmed_at",
                           "unsubscribed_at"]
    form_fields = ["status"]  # required by ModelViewSet; the edit view is never allowed


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet("newsletter_subscribers")
