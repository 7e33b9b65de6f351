"""Newsletter signup with double opt-in: one mail per signup, nothing revealed, consent respected."""

import html
import re
import time
from datetime import timedelta
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from newsletter.mailing import send_newsletter
from newsletter.models import RESEND_INTERVAL, Subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"
CONFIRM_LINK = re.compile(r"https?://[^\s/]+/newsletter/confirm/[^\s/]+/")
UNSUBSCRIBE_LINK = re.compile(r"https?://[^\s/]+/newsletter/unsubscribe/[^\s/]+/")


def text(response):
    return html.unescape(response.content.decode())


def main_of(response):
    """The page's <main>: what the reader is told, without the footer's per-response CSRF token."""
    return re.search(r"<main\b[^>]*>(.*?)</main>", text(response), re.DOTALL).group(1)


def confirm_path(message):
    urls = CONFIRM_LINK.findall(message.body)
    assert len(urls) == 1, message.body
    return urlsplit(urls[0]).path


def subscriber(email, status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.create(email=email, status=status)


def test_get_shows_the_signup_form(client):
    response = client.get(SUBSCRIBE)
    assert response.status_code == 200
    page = text(response)
    assert '<label for="newsletter-page-email">Email address</label>' in page
    assert 'id="newsletter-page-email" type="email" name="email" required autocomplete="email"' in page
    assert 'action="/newsletter/subscribe/" method="post"' in page


def test_signup_sends_one_mail_with_a_working_confirm_link(client):
    response = client.post(SUBSCRIBE, {"email": "  Reader@Example.COM "})
    assert response.status_code == 200
    assert "Check your inbox to confirm" in text(response)
    sub = Subscriber.objects.get()
    assert sub.email == "reader@example.com"  # normalised
    assert sub.status == Subscriber.Status.PENDING and sub.confirmed_at is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"]
    assert CONFIRM_LINK.search(message.body).group().startswith("http://testserver/newsletter/confirm/")

    page = client.get(confirm_path(message))
    assert page.status_code == 200
    assert "You're subscribed" in text(page)
    assert page["Referrer-Policy"] == "no-referrer"
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.CONFIRMED
    confirmed_at = sub.confirmed_at
    assert confirmed_at is not None

    # Idempotent: a second click (or a mail scanner) changes nothing.
    assert client.get(confirm_path(message)).status_code == 200
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.CONFIRMED and sub.confirmed_at == confirmed_at
    assert len(mail.outbox) == 1


def test_repeated_signup_reveals_nothing_and_does_not_spam(client):
    first = main_of(client.post(SUBSCRIBE, {"email": "reader@example.com"}))
    # Again at once, in another case: the same answer, and no second mail.
    again = client.post(SUBSCRIBE, {"email": "READER@example.com"})
    assert again.status_code == 200 and main_of(again) == first
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1

    # Confirmed: the same answer still, and never a mail, however long after.
    client.get(confirm_path(mail.outbox[0]))
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=1))
    for _ in range(3):
        response = client.post(SUBSCRIBE, {"email": "reader@example.com"})
        assert response.status_code == 200 and main_of(response) == first
    assert len(mail.outbox) == 1
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_pending_address_gets_one_reminder_per_interval(client):
    for _ in range(5):
        client.post(SUBSCRIBE, {"email": "slow@example.com"})
    assert len(mail.outbox) == 1
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - RESEND_INTERVAL - timedelta(seconds=1))
    for _ in range(5):
        client.post(SUBSCRIBE, {"email": "slow@example.com"})
    assert len(mail.outbox) == 2
    # Either mail's link confirms.
    assert client.get(confirm_path(mail.outbox[0])).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize("email", [
    "",
    "not-an-email",
    "reader@",
    "@example.com",
    "reader@example",
    "reader@example.com\r\nBcc: victim@example.org",
    "x" * 250 + "@example.com",
    "a@localhost",
    "reader@localhost",
])
def test_invalid_addresses_are_rejected(client, email):
    response = client.post(SUBSCRIBE, {"email": email})
    assert response.status_code == 400
    page = text(response)
    assert 'aria-invalid="true"' in page
    assert re.search(r'<p class="newsletter-signup__error" id="newsletter-page-email-error">Enter', page) or \
        "at most 254 characters" in page
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_cross_site_signup_only_sends_a_confirmation():
    # No CSRF token (pages must be cacheable): a forged POST is possible, and subscribes nobody.
    response = Client(enforce_csrf_checks=True).post(SUBSCRIBE, {"email": "reader@example.com"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.confirmed_at is None
    assert len(mail.outbox) == 1 and "confirm" in mail.outbox[0].body.lower()


def test_a_mail_failure_is_logged_and_can_be_retried(client):
    with mock.patch("newsletter.mailing.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")):
        response = client.post(SUBSCRIBE, {"email": "reader@example.com"})
    assert response.status_code == 200 and "Check your inbox to confirm" in text(response)
    assert Subscriber.objects.get().confirmation_sent_at is None  # the rate limit was given back
    client.post(SUBSCRIBE, {"email": "reader@example.com"})
    assert len(mail.outbox) == 1


def test_the_footer_include_is_an_accessible_plain_form():
    request = RequestFactory().get("/")
    form = render_to_string("newsletter/signup_form.html", request=request)
    label = re.search(r'<label for="([^"]+)">Email address</label>', form)
    assert label, form
    input_tag = re.search(rf'<input id="{re.escape(label.group(1))}"[^>]*>', form).group()
    for attribute in ('type="email"', 'name="email"', " required", 'autocomplete="email"'):
        assert attribute in input_tag
    assert '<button type="submit">Subscribe</button>' in form
    assert "csrfmiddlewaretoken" not in form  # every page carries this form; see newsletter.views.subscribe
    assert "unsubscribe" in form.lower()  # the privacy note
    assert "<script" not in form and "style=" not in form and "<style" not in form


def test_unsubscribe_get_only_asks_post_unsubscribes(client):
    sub = subscriber("reader@example.com")
    path = reverse("newsletter:unsubscribe", args=[sub.make_unsubscribe_token()])

    page = client.get(path)
    assert page.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in text(page)
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.CONFIRMED and sub.unsubscribed_at is None

    # A POST without any CSRF token works, as RFC 8058 one-click unsubscribe from a mail client does.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You're unsubscribed" in text(response)
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.UNSUBSCRIBED and sub.unsubscribed_at is not None

    # Old confirm links cannot undo it.
    assert client.get(reverse("newsletter:confirm", args=[sub.make_confirm_token()])).status_code == 400
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.UNSUBSCRIBED


def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(client):
    sub = subscriber("reader@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    client.post(SUBSCRIBE, {"email": "reader@example.com"})
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.PENDING
    assert len(mail.outbox) == 1
    client.get(confirm_path(mail.outbox[0]))
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.CONFIRMED


def test_send_newsletter_mails_only_confirmed_subscribers_each_with_their_unsubscribe_link(client):
    confirmed = [subscriber("ada@example.com"), subscriber("grace@example.com")]
    subscriber("pending@example.com", status=Subscriber.Status.PENDING)
    subscriber("gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)

    sent = send_newsletter("This week", "The news.", html="<html><body><p>The news.</p></body></html>",
                           base_url="https://news.example.com/")
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "grace@example.com"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)

    links = {}
    for message in mail.outbox:
        assert message.subject == "This week"
        url = UNSUBSCRIBE_LINK.search(message.body).group()
        assert url.startswith("https://news.example.com/newsletter/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html_body, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and f'href="{url}"' in html_body and html_body.endswith("</body></html>")
        links[message.to[0]] = urlsplit(url).path
    assert len(set(links.values())) == 2  # each their own

    # Each link unsubscribes its own reader, and the next issue skips them.
    client.post(links["ada@example.com"])
    confirmed[0].refresh_from_db()
    confirmed[1].refresh_from_db()
    assert confirmed[0].status == Subscriber.Status.UNSUBSCRIBED
    assert confirmed[1].status == Subscriber.Status.CONFIRMED
    mail.outbox.clear()
    assert send_newsletter("Next week", "More news.") == 1
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]
    assert "/newsletter/unsubscribe/" in mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert mail.outbox[0].alternatives == []  # text only when no html is given


def test_send_newsletter_with_no_confirmed_subscribers_sends_nothing():
    subscriber("pending@example.com", status=Subscriber.Status.PENDING)
    assert send_newsletter("This week", "The news.") == 0
    assert mail.outbox == []


def test_tampered_or_expired_tokens_are_rejected(client):
    sub = subscriber("reader@example.com", status=Subscriber.Status.PENDING)
    token = sub.make_confirm_token()

    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(reverse("newsletter:confirm", args=[tampered]))
    assert response.status_code == 404
    assert "This link is not valid" in text(response)
    # An unsubscribe token is not a confirm token, nor the reverse (different salts).
    assert client.get(reverse("newsletter:confirm", args=[sub.make_unsubscribe_token()])).status_code == 404
    assert client.get(reverse("newsletter:unsubscribe", args=[token])).status_code == 404
    assert client.post(reverse("newsletter:unsubscribe", args=["junk"])).status_code == 404

    with mock.patch("time.time", return_value=time.time() - 4 * 24 * 3600):
        old_token = sub.make_confirm_token()
    response = client.get(reverse("newsletter:confirm", args=[old_token]))
    assert response.status_code == 400
    assert "expired" in text(response)
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.PENDING

    # A deleted subscriber's link is simply not valid.
    sub.delete()
    assert client.get(reverse("newsletter:confirm", args=[token])).status_code == 404


def test_unsubscribe_links_do_not_expire(client):
    sub = subscriber("reader@example.com")
    with mock.patch("time.time", return_value=time.time() - 3 * 365 * 24 * 3600):
        token = sub.make_unsubscribe_token()
    assert client.post(reverse("newsletter:unsubscribe", args=[token])).status_code == 200
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.UNSUBSCRIBED


def test_subscribers_store_no_other_personal_data():
    fields = {field.name for field in Subscriber._meta.get_fields()}
    assert fields == {"id", "email", "status", "created_at", "confirmation_sent_at", "confirmed_at",
                      "unsubscribed_at"}


def test_unconfirmed_signups_are_purged_after_30_days():
    stale = subscriber("stale@example.com", status=Subscriber.Status.PENDING)
    fresh = subscriber("fresh@example.com", status=Subscriber.Status.PENDING)
    kept = subscriber("kept@example.com")
    Subscriber.objects.filter(pk__in=[stale.pk, kept.pk]).update(created_at=timezone.now() - timedelta(days=31))
    call_command("purge_unconfirmed_subscribers", stdout=StringIO())
    assert set(Subscriber.objects.values_list("email", flat=True)) == {fresh.email, kept.email}


def test_admin_lists_subscribers_but_cannot_add_or_edit(admin_client):
    sub = subscriber("reader@example.com")
    listing = admin_client.get(reverse("newsletter_subscribers:index"))
    assert listing.status_code == 200
    assert "reader@example.com" in listing.content.decode()
    assert admin_client.get(reverse("newsletter_subscribers:index") + "?q=reader").status_code == 200
    assert admin_client.get(reverse("newsletter_subscribers:inspect", args=[sub.pk])).status_code == 200
    for url in (reverse("newsletter_subscribers:add"), reverse("newsletter_subscribers:edit", args=[sub.pk])):
        response = admin_client.get(url)
        assert response.status_code in (302, 403), url
        assert admin_client.post(url, {"email": "x@example.com", "status": "confirmed"}).status_code in (302, 403)
    assert list(Subscriber.objects.values_list("email", "status")) == [("reader@example.com", "confirmed")]


def test_signups_from_one_network_are_throttled(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 3
    for n, address in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        assert client.post(SUBSCRIBE, {"email": f"reader{n}@example.com"}, REMOTE_ADDR=address).status_code == 200
    refused = client.post(SUBSCRIBE, {"email": "reader9@example.com"}, REMOTE_ADDR="198.51.100.200")  # same /24
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 3600
    assert "Too many signups" in text(refused)
    assert len(mail.outbox) == 3
    assert client.post(SUBSCRIBE, {"email": "reader9@example.com"}, REMOTE_ADDR="203.0.113.5").status_code == 200


def test_the_signup_request_does_the_same_work_for_new_and_confirmed_addresses(client, settings):
    """Timing must not tell a subscriber from a new address: the request only enqueues one task,
    whatever the address; the worker creates the row and sends the mail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Subscriber.objects.create(email="known@example.com", status=Subscriber.Status.CONFIRMED)
    client.post(SUBSCRIBE, {"email": "first@example.com"})  # first request: site settings row, caches
    answers = []
    for email in ("new@example.com", "known@example.com"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(SUBSCRIBE, {"email": email})
        answers.append((response.status_code, [q["sql"].split()[0] for q in queries.captured_queries]))
    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][1] == answers[1][1]  # the same statements
    assert not Subscriber.objects.filter(email="new@example.com").exists() and mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="newsletter.tasks.handle_signup").count() == 3

    # What the worker does with each (its command closes connections, which this test's transaction
    # cannot survive): the stored task with its stored arguments.
    for queued in DBTaskResult.objects.filter(task_path="newsletter.tasks.handle_signup").order_by("enqueued_at"):
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert sorted(message.to[0] for message in mail.outbox) == ["first@example.com", "new@example.com"]
    assert Subscriber.objects.get(email="new@example.com").status == Subscriber.Status.PENDING
