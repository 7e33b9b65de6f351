from django.apps import AppConfig


def forget_restrictions(**kwargs):
    from .versions import forget
    from .visibility import RESTRICTIONS

    forget(RESTRICTIONS)


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction
        from wagtail.signals import post_page_move

        # This process's copy of the view restrictions (core.visibility.restricted_paths) is dropped
        # at the very start of a change that affects them: core is ready before every app, so
        # receivers that run inside the same signal — the search index's, with inline tasks — see the
        # change. Other processes drop theirs when the whole-site purge that follows changes the
        # version. (A module-level function: signals hold receivers weakly, a closure would go.)
        for signal in (post_save, post_delete):
            signal.connect(forget_restrictions, sender=PageViewRestriction, dispatch_uid="core-restrictions")
        post_page_move.connect(forget_restrictions, dispatch_uid="core-restrictions-move")
        post_delete.connect(forget_restrictions, sender=Page, dispatch_uid="core-restrictions-delete")
