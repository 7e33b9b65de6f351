"""Newsletter subscribers, with double opt-in.

We keep the least we can: the address, where it is in the opt-in cycle and when each step happened.
No name, IP address, user agent or tracking data.

Tokens: nothing secret is stored. Confirm and unsubscribe links carry the subscriber's id signed with
django.core.signing (an HMAC keyed on SECRET_KEY), each kind with its own salt so one kind can never be
used as the other:

- a confirm token also carries the time it was signed and is refused after CONFIRM_MAX_AGE;
- an unsubscribe token never expires, so the link in a years-old newsletter still works.

A leaked database therefore holds no usable links, and there is no token table to clean up. Rotating
SECRET_KEY invalidates links already sent unless the old key is kept in SECRET_KEY_FALLBACKS.
"""

from datetime import timedelta

from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

CONFIRM_SALT = "newsletter.subscriber.confirm"
UNSUBSCRIBE_SALT = "newsletter.subscriber.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=3)
# At most one confirmation mail per address in this interval, however often the form is posted.
RESEND_INTERVAL = timedelta(minutes=10)


def normalise_email(email):
    return (email or "").strip().lower()


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def purge_unconfirmed(self, older_than=timedelta(days=30)):
        """Delete addresses that never confirmed: we have no consent to keep them. Returns the count."""
        cutoff = timezone.now() - older_than
        deleted, _ = self.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff).delete()
        return deleted


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the last confirmation mail went out: the resend rate limit and the confirm token's clock.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="newsletter_email_lowercase"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    # Tokens -------------------------------------------------------------------------------------

    def make_confirm_token(self):
        return signing.dumps(self.pk, salt=CONFIRM_SALT)

    def make_unsubscribe_token(self):
        # signing.dumps always adds a timestamp; loads() below simply does not check its age.
        return signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)

    @classmethod
    def from_confirm_token(cls, token):
        """The subscriber a confirm token names. Raises signing.SignatureExpired for a token older than
        CONFIRM_MAX_AGE, signing.BadSignature for a tampered one, cls.DoesNotExist when deleted since."""
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return cls.objects.get(pk=pk)

    @classmethod
    def from_unsubscribe_token(cls, token):
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return cls.objects.get(pk=pk)
