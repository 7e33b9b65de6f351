"""The admin sign-in throttle (django-axes): five wrong passwords for one username from one address
refuse that username from there — the right password included — with a page that says to try again
later; other users and other addresses are unaffected; the cool-off or `manage.py axes_reset` lets
them back in; behind a proxy the client's address comes from X-Forwarded-For only as configured."""

import io
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from tests.helpers import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"  # tests.content.test_workflow.make_user's
HOME = "198.51.100.7"  # the address the attempts come from


def sign_in(username, password, ip=HOME, client=None, **headers):
    """A sign-in through the admin's form, as a browser posts it, from `ip`."""
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=ip, **headers)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def assert_refused_as_locked_out(response, minutes=15):
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html and "Please try again later" in html
    assert f"in {minutes} minute" in html
    assert response["Retry-After"] == str(minutes * 60)
    assert "no-store" in response["Cache-Control"]


def fail(username, times, ip=HOME, **headers):
    """`times` wrong passwords; the status of each answer (200: the form again, with its error)."""
    statuses = []
    for _ in range(times):
        response = sign_in(username, "wrong password", ip, **headers)
        if response.status_code == 200:
            assert "match" in response.content.decode(), "the form says the password was wrong"
        statuses.append(response.status_code)
    return statuses


@pytest.fixture
def colleague(db):
    return make_user("colleague", "Editors")


def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_password(editor):
    assert fail("editor", 5) == [200, 200, 200, 200, 429], "the fifth already answers with the lockout page"
    client = Client()
    response = sign_in("editor", PASSWORD, client=client)
    assert_refused_as_locked_out(response)
    assert client.get("/admin/").status_code == 302, "not signed in"
    assert_refused_as_locked_out(sign_in("editor", "wrong password"))


def test_four_are_not_enough_and_a_success_forgets_them(editor):
    assert fail("editor", 4) == [200] * 4
    assert signed_in(sign_in("editor", PASSWORD))
    assert fail("editor", 4) == [200] * 4  # counting from zero again
    assert signed_in(sign_in("editor", PASSWORD))


def test_a_lockout_stops_only_that_username_from_that_address(editor, colleague):
    fail("editor", 5)
    assert_refused_as_locked_out(sign_in("editor", PASSWORD))
    assert signed_in(sign_in("colleague", PASSWORD)), "another editor in the same office"
    assert signed_in(sign_in("editor", PASSWORD, ip="203.0.113.20")), "the editor from home"


def test_after_the_cool_off_the_right_password_works_again(settings, editor):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    fail("editor", 5)
    refused = sign_in("editor", PASSWORD)
    assert refused.status_code == 429 and refused["Retry-After"] == "2"
    time.sleep(2.2)  # the refused attempt restarted the wait
    assert signed_in(sign_in("editor", PASSWORD))


def test_axes_reset_lifts_the_lockout(editor):
    fail("editor", 5)
    assert_refused_as_locked_out(sign_in("editor", PASSWORD))
    call_command("axes_reset", stdout=io.StringIO())
    assert signed_in(sign_in("editor", PASSWORD))


def test_without_trusted_proxies_x_forwarded_for_is_ignored(editor):
    """Otherwise an attacker could claim a new address for every guess."""
    for n in range(4):
        assert sign_in("editor", "wrong password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code == 200
    assert_refused_as_locked_out(sign_in("editor", "wrong password", HTTP_X_FORWARDED_FOR="192.0.2.4"))
    assert_refused_as_locked_out(sign_in("editor", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"  # every request reaches gunicorn from the load balancer
    fail("editor", 5, ip=balancer, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert_refused_as_locked_out(sign_in("editor", PASSWORD, ip=balancer, HTTP_X_FORWARDED_FOR="203.0.113.5"))
    # What the client wrote itself sits left of what the balancer appended, and is not believed.
    assert_refused_as_locked_out(sign_in("editor", PASSWORD, ip=balancer,
                                         HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"))
    # The same editor from another address, through the same balancer, is let in.
    assert signed_in(sign_in("editor", PASSWORD, ip=balancer, HTTP_X_FORWARDED_FOR="203.0.113.9"))
