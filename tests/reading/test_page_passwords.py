"""Page passwords (Wagtail's view restriction "a shared password") are throttled like the admin
sign-in: after AXES_FAILURE_LIMIT wrong passwords in a row from one address for one page, that
address is refused — the right password included — with 429 and Retry-After, until the cool-off
passes without another try. Other addresses are unaffected; the right password forgets mistakes."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db
PASSWORD = "harbour-lights-42"


@pytest.fixture
def protected(make_article, settings):
    settings.AXES_FAILURE_LIMIT = 5
    cache.clear()
    article = make_article("Embargoed results briefing")
    restriction = PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD,
                                                     password=PASSWORD)
    return article, f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"


def attempt(url, article, password, ip="203.0.113.9", client=None):
    return (client or Client()).post(url, {"password": password, "return_url": article.url}, REMOTE_ADDR=ip)


def test_the_right_password_opens_the_page(protected):
    article, url = protected
    client = Client()
    assert client.get(article.url, REMOTE_ADDR="203.0.113.9").status_code == 200  # the password form
    assert "Embargoed results briefing" not in client.get(article.url).content.decode()
    response = attempt(url, article, PASSWORD, client=client)
    assert response.status_code == 302 and response["Location"] == article.url
    assert "Embargoed results briefing" in client.get(article.url).content.decode()


def test_guessing_is_refused_after_the_limit_even_with_the_right_password(protected):
    article, url = protected
    for guess in range(5):
        assert attempt(url, article, f"guess-{guess}").status_code == 200  # the form again, "wrong password"
    refused = attempt(url, article, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 15 * 60
    assert "Too many password attempts" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    # Another address is not affected.
    assert attempt(url, article, PASSWORD, ip="198.51.100.20").status_code == 302


def test_the_cool_off_lets_the_address_back_in_and_the_right_password_forgets_mistakes(protected, settings):
    article, url = protected
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    for guess in range(4):
        attempt(url, article, f"guess-{guess}")
    assert attempt(url, article, PASSWORD).status_code == 302  # forgets the four
    for guess in range(5):
        attempt(url, article, f"guess-{guess}")
    assert attempt(url, article, PASSWORD).status_code == 429
    time.sleep(2.5)
    assert attempt(url, article, PASSWORD).status_code == 302
