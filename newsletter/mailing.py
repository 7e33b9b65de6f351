"""Sending newsletter mail: the opt-in confirmation and the newsletter itself."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Site

from .models import CONFIRM_MAX_AGE, RESEND_INTERVAL, Subscriber

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 200


def site_base_url():
    """Where links in mail sent outside a request point: settings.NEWSLETTER_BASE_URL when set
    (e.g. "https://news.example.com"), else the default Wagtail site's root URL."""
    base_url = getattr(settings, "NEWSLETTER_BASE_URL", "")
    if not base_url:
        site = Site.objects.filter(is_default_site=True).first()
        base_url = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return base_url.rstrip("/")


def confirm_url(subscriber, base_url):
    return base_url + reverse("newsletter:confirm", args=[subscriber.make_confirm_token()])


def unsubscribe_url(subscriber, base_url):
    return base_url + reverse("newsletter:unsubscribe", args=[subscriber.make_unsubscribe_token()])


def request_subscription(email, base_url):
    """Record a signup for `email` and send the confirmation mail when one is due.

    A confirmed address is left as it is and gets no mail; a pending or unsubscribed one becomes
    pending and gets a confirmation mail unless one was sent less than RESEND_INTERVAL ago. The caller
    must answer the same whatever happened, so this returns nothing a view could leak.
    """
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    now = timezone.now()
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        # Signing up again: back to pending; consent is given anew by confirming.
        Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.PENDING, confirmed_at=None)
    # One conditional UPDATE claims the right to send, so two concurrent posts (or two web workers)
    # cannot both send: only the one that moved confirmation_sent_at does.
    claimed = Subscriber.objects.filter(
        Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - RESEND_INTERVAL),
        pk=subscriber.pk, status=Subscriber.Status.PENDING,
    ).update(confirmation_sent_at=now)
    if not claimed:
        return
    previous_sent_at = subscriber.confirmation_sent_at
    subscriber.refresh_from_db()
    try:
        send_confirmation(subscriber, base_url)
    except Exception:
        # The mail server is down or refused: log it and give the rate limit back, so a retry
        # can send. The reader sees the usual answer (a different one would reveal the status).
        logger.exception("newsletter: could not send the confirmation mail to subscriber %s", subscriber.pk)
        Subscriber.objects.filter(pk=subscriber.pk, confirmation_sent_at=now).update(
            confirmation_sent_at=previous_sent_at)


def send_confirmation(subscriber, base_url):
    context = {
        "confirm_url": confirm_url(subscriber, base_url),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "valid_days": CONFIRM_MAX_AGE.days,
    }
    subject = render_to_string("newsletter/email/confirm_subject.txt", context).strip()
    body = render_to_string("newsletter/email/confirm_body.txt", context)
    EmailMultiAlternatives(subject, body, to=[subscriber.email]).send()


def _with_footer(text, html, url):
    text = f"{text.rstrip()}\n\n--\nYou are receiving this because you subscribed to our newsletter.\n" \
           f"Unsubscribe: {url}\n"
    if html is None:
        return text, None
    footer = f'<p><a href="{escape(url)}">Unsubscribe</a> from this newsletter.</p>'
    position = html.lower().rfind("</body>")
    html = html[:position] + footer + html[position:] if position != -1 else html + footer
    return text, html


def send_newsletter(subject, text, html=None, *, base_url=None, connection=None):
    """Mail the newsletter to every confirmed subscriber, and to no one else.

    Each message has its own unsubscribe link, in the body and in List-Unsubscribe (with
    List-Unsubscribe-Post for RFC 8058 one-click unsubscribe). Returns the number of messages sent.
    Run it from a management command or a background task, not in a web request: it is one SMTP
    message per subscriber.
    """
    base_url = (base_url or site_base_url()).rstrip("/")
    connection = connection or get_connection()
    sent = 0
    batch = []
    with connection:
        # iterator(): a large list is streamed, not loaded at once.
        for subscriber in Subscriber.objects.confirmed().order_by("pk").iterator(chunk_size=SEND_BATCH_SIZE):
            url = unsubscribe_url(subscriber, base_url)
            body, html_body = _with_footer(text, html, url)
            message = EmailMultiAlternatives(
                subject, body, to=[subscriber.email], connection=connection,
                headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            )
            if html_body is not None:
                message.attach_alternative(html_body, "text/html")
            batch.append(message)
            if len(batch) >= SEND_BATCH_SIZE:
                sent += connection.send_messages(batch) or 0
                batch = []
        if batch:
            sent += connection.send_messages(batch) or 0
    return sent

