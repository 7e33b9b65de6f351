"""What is kept about commenters, and for how long (see comments.models)."""

from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver

from news.signals import scheduler_ran

from .models import Comment, email_digest, retention_cutoff


def purge_personal_data():
    """Past COMMENTS_RETENTION_DAYS: blank addresses and client hashes, delete spam and rejected
    comments (moderated long ago, never shown). Returns (blanked, deleted)."""
    cutoff = retention_cutoff()
    old = Comment.objects.filter(created_at__lt=cutoff)
    with transaction.atomic():
        # Never shown, so no page to purge: a plain delete.
        deleted, _ = old.filter(status__in=[Comment.Status.SPAM, Comment.Status.REJECTED]).delete()
        blanked = old.exclude(email="", client_digest="").update(email="", client_digest="")
    return blanked, deleted


def delete_by_email(email):
    """Every comment sent with this address, replies to them included: an erasure request. Each is
    deleted through the ORM, so the pages that showed it are purged. Returns the number deleted."""
    comments = list(Comment.objects.filter(email_digest=email_digest(email)))
    with transaction.atomic():
        for comment in comments:
            comment.delete()  # its replies go with it (CASCADE), and so do their pages' copies
    return len(comments)


# The scheduler runs every 30 s; the retention period is counted in days.
PURGE_EVERY = timedelta(hours=1)
_last_purge = {"at": None}


@receiver(scheduler_ran, dispatch_uid="comments.purge_personal_data")
def purge_on_schedule(sender, when, **kwargs):
    """The retention purge, at most once an hour, from the scheduler `make run`, `make serve` and a
    deployment already run: no cron to install. (manage.py purge_comment_personal_data does the same
    on demand.)"""
    last = _last_purge["at"]
    if last is not None and when - last < PURGE_EVERY:
        return
    _last_purge["at"] = when
    purge_personal_data()
