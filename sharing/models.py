"""Shareable draft links: a secret URL that shows one saved revision of a page to anyone who has it.

A link is pinned to the revision that was current when it was made, so what a lawyer or a source
signs off is exactly what they saw; the admin says when the page has a newer draft since. The token
itself is never stored: only its SHA-256, looked up through a unique index and then compared in
constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_DAYS = 7
MAX_DAYS = 30
TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class DraftLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def find(self, token):
        """The link for this token, whatever its state, or None."""
        digest = hash_token(token)
        link = self.select_related("page", "revision").filter(token_hash=digest).first()
        if link is None or not hmac.compare_digest(link.token_hash, digest):
            return None
        return link


class DraftLink(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="draft_links")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = DraftLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "draft link"

    def __str__(self):
        return f"Draft link to {self.page.title} ({self.status})"

    @classmethod
    def create_for(cls, page, user, days=DEFAULT_DAYS):
        """A new link to the page's latest saved revision, and its token (shown once, never stored)."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"a draft link lasts 1 to {MAX_DAYS} days, not {days}")
        revision = page.get_latest_revision()
        if revision is None:
            raise ValueError("the page has no saved revision to share")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        link = cls.objects.create(page=page, revision=revision, token_hash=hash_token(token), created_by=user,
                                  created_at=now, expires_at=now + timedelta(days=days))
        return link, token

    @property
    def status(self):
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_active(self):
        return self.status == "active"

    @property
    def has_newer_draft(self):
        """The page has been saved (or published) since this link's revision."""
        latest = self.page.latest_revision_id
        return latest is not None and latest != self.revision_id

    def revoke(self, user):
        if self.revoked_at is None:
            self.revoked_at, self.revoked_by = timezone.now(), user
            self.save(update_fields=["revoked_at", "revoked_by"])
