"""What is kept about commenters, and for how long (see comments.models)."""

from django.db import transaction

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
