"""Readers' comments on articles, what editors set about them (closed, off), and the blocklist.

The news app knows nothing of comments: a comment points at its article, and per-page settings live
here (CommentRule), keyed by page, rather than as fields on the page models.

What is kept about a commenter: the name they gave (shown), their address (never shown; used to tell
known commenters and to delete on request) and a keyed hash of their network address (the rate limit,
duplicates). The address and the client hash are blanked after COMMENTS_RETENTION_DAYS
(manage.py purge_comment_personal_data); email_digest, an HMAC of the address that cannot be turned
back into it, stays so that a known commenter is still known and delete_comments_by_email still finds
old comments.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from security.ip import client_digest


def normalise_email(email):
    return (email or "").strip().lower()


def email_digest(email):
    return client_digest("comment-email", normalise_email(email))


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def for_readers(self, article):
        """What readers see on `article`: approved comments, and replies only under approved comments.
        (Whether the article itself may be seen is the caller's: comments.visibility.)"""
        return self.approved().filter(article=article).filter(
            models.Q(parent__isnull=True) | models.Q(parent__status=Comment.Status.APPROVED))


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")
    # One level of replies: a reply's parent is always a top-level comment (CommentForm checks).
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254, blank=True, help_text="Never shown. Blanked after the retention period.")
    email_digest = models.CharField(max_length=32, db_index=True, editable=False)
    text = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    # Why the spam checks held it, for moderators ("first comment", "blocklist: …").
    held_because = models.CharField(max_length=200, blank=True, editable=False)
    client_digest = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "status"], name="comments_article_status_idx")]

    def __str__(self):
        excerpt = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.name}: {excerpt}"

    def save(self, *args, **kwargs):
        if self.email:
            self.email = normalise_email(self.email)
            self.email_digest = email_digest(self.email)
        if self.pk and getattr(self, "_status_loaded", self.status) != self.status:
            self.moderated_at = timezone.now()  # from the edit page as from the bulk actions
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "moderated_at"}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._status_loaded = instance.__dict__.get("status")  # signals compare against it
        return instance

    @property
    def shown_to_readers(self):
        return self.status == self.Status.APPROVED


class CommentRule(models.Model):
    """Editors' choice for one page: on an article, for that article; on a section, for every article
    below it. The strictest rule on the article and its ancestors applies."""

    class State(models.TextChoices):
        CLOSED = "closed", "Closed: comments stay visible, no new ones"
        OFF = "off", "Off: no comments shown or accepted"

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+",
                                help_text="An article, or a section (then every article in it).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLOSED)

    class Meta:
        verbose_name = "comment setting"

    def __str__(self):
        return f"{self.page.title}: {self.get_state_display()}"


class BlockedTerm(models.Model):
    """A comment matching any entry is marked spam: a word or phrase in its name or text, an email
    address, or an email domain."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", "Word or phrase (in the name or text)"
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Email domain"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = "blocklist entry"
        verbose_name_plural = "blocklist"
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="comments_blocked_term_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower().lstrip("@") if self.kind == self.Kind.DOMAIN else \
            self.value.strip().lower()
        super().save(*args, **kwargs)


def retention_cutoff():
    return timezone.now() - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
