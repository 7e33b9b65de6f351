"""Spam resistance without third-party services: what a post is refused for (the reader is told,
and can correct it) and what it is held or marked spam for (the reader is told only that it awaits
moderation, so a spammer learns nothing).

Refused: a filled-in honeypot, a form sent sooner than COMMENTS_MIN_SECONDS after the page was
rendered or with a stale or forged token, too many links, more than COMMENTS_PER_HOUR posts from one
client (a keyed hash of its address: security.throttle), the same text posted twice.
Marked spam: a blocklist match. Held: a first comment, or anyone when COMMENTS_AUTO_APPROVE_KNOWN is
off. Approved at once: a commenter with an approved comment before.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.utils import timezone

from security.ip import client_digest, client_ip
from security.throttle import Throttle

from .models import BlockedTerm, Comment, email_digest

TOKEN_SALT = "comments.form"
DUPLICATE_WINDOW = timedelta(days=1)

COMMENT_POSTS = Throttle("comment-post", lambda: settings.COMMENTS_PER_HOUR, lambda: 3600)


def form_token(article_id):
    """Signed into the form when the page renders: which article, and when (the minimum time)."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(article_id))


def token_problem(token, article_id):
    """None for a good token; else what is wrong with it ("expired", "invalid", "too-fast")."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        value = signer.unsign(token or "", max_age=settings.COMMENTS_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "invalid"
    if value != str(article_id):
        return "invalid"
    age = time.time() - signing.b62_decode(token.rsplit(signer.sep, 2)[1])  # value:timestamp:signature
    return "too-fast" if age < settings.COMMENTS_MIN_SECONDS else None


def client_hash(request):
    return client_digest("comment-client", client_ip(request) or "")


def is_duplicate(article, text, email, client):
    """The same text from the same commenter (by address or by client) on this article, or anywhere
    in the last day."""
    same_sender = Q(email_digest=email_digest(email))
    if client:
        same_sender |= Q(client_digest=client)
    same_text = Comment.objects.filter(same_sender, text__iexact=text.strip())
    return same_text.filter(Q(article=article) | Q(created_at__gte=timezone.now() - DUPLICATE_WINDOW)).exists()


def blocklist_match(name, email, text):
    email = email.strip().lower()
    domain = email.rsplit("@", 1)[-1]
    words = f"{name}\n{text}".lower()
    for kind, value in BlockedTerm.objects.values_list("kind", "value"):
        if (kind == BlockedTerm.Kind.EMAIL and value == email) or \
                (kind == BlockedTerm.Kind.DOMAIN and value == domain) or \
                (kind == BlockedTerm.Kind.PHRASE and value and value in words):
            return f"blocklist: {value}"
    return None


def known_commenter(email):
    return Comment.objects.approved().filter(email_digest=email_digest(email)).exists()


def decide(name, email, text):
    """(status, reason) for a comment that passed the refusals."""
    blocked = blocklist_match(name, email, text)
    if blocked:
        return Comment.Status.SPAM, blocked
    if settings.COMMENTS_AUTO_APPROVE_KNOWN and known_commenter(email):
        return Comment.Status.APPROVED, ""
    return Comment.Status.PENDING, "first comment" if settings.COMMENTS_AUTO_APPROVE_KNOWN else "all held"
