"""Production settings, started the way a deployment starts them — a fresh interpreter with only the
environment a deployment sets: `manage.py check --deploy` passes with no warning, the site refuses
to start without SECRET_KEY, no secret has a default, and the throttle's knobs come from the
environment."""

import json
import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.helpers import REPO

PRODUCTION = "newsroom.settings.production"
SECRET_NAME_PARTS = ("SECRET", "PASSWORD", "TOKEN", "ACCESS_KEY", "API_KEY", "CREDENTIAL")
# Prints every setting of the production module, as JSON (values it cannot encode as their repr).
DUMP = ("import json, newsroom.settings.production as s; "
        "print(json.dumps({k: getattr(s, k) for k in dir(s) if k.isupper()}, default=repr))")


def deployment_environment(**environ):
    """Only what a process on a fresh server has, plus what the deployment sets."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {**base, "DJANGO_SETTINGS_MODULE": PRODUCTION, **environ}


def run(args, **environ):
    return subprocess.run([sys.executable, *args], env=deployment_environment(**environ), cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def production_settings(**environ):
    result = run(["-c", DUMP], **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def strong_key():
    return secrets.token_urlsafe(50)


def test_check_deploy_passes_with_no_warnings_in_a_realistic_environment():
    environ = {"SECRET_KEY": strong_key(), "ALLOWED_HOSTS": "news.example.com",
               "CSRF_TRUSTED_ORIGINS": "https://news.example.com", "DATABASE_URL": os.environ["DATABASE_URL"],
               "WAGTAILADMIN_BASE_URL": "https://news.example.com"}
    for name in ("REDIS_URL", "OPENSEARCH_URL"):
        if os.environ.get(name):
            environ[name] = os.environ[name]
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--database", "default"], **environ)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (" not in output, output


def test_check_deploy_would_fail_on_a_weak_secret_key():
    """The check above can fail: the same environment with a guessable key does."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 SECRET_KEY="django-insecure-changeme", ALLOWED_HOSTS="news.example.com")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize("environ", [{}, {"SECRET_KEY": ""}], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(environ):
    result = run(["-c", "import newsroom.wsgi"], **environ)  # what gunicorn loads
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in the environment for production." in result.stderr


def secrets_in(settings):
    """Every value held under a secret-looking name, at any depth (DATABASES, CACHES, …), and every
    URL with a password in it."""
    found = {}

    def walk(path, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{path}.{key}", item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(f"{path}[{index}]", item)
        elif isinstance(value, str) and value:
            name = path.rsplit(".", 1)[-1].upper()
            if any(part in name for part in SECRET_NAME_PARTS) or ("://" in value and urlsplit(value).password):
                found[path] = value

    for name, value in settings.items():
        walk(name, value)
    return found


def test_no_secret_has_a_default_in_production():
    key = strong_key()
    found = secrets_in(production_settings(SECRET_KEY=key))
    assert found == {"SECRET_KEY": key}, "only what the environment gave"


def test_secrets_given_in_the_environment_are_the_ones_used():
    """And the search above finds secrets where they are: each comes through from the environment."""
    found = secrets_in(production_settings(
        SECRET_KEY="k" * 60, EMAIL_HOST_PASSWORD="smtp-pass-1", CLOUDFLARE_ZONE_ID="zone",
        CLOUDFLARE_BEARER_TOKEN="cf-token-2", DATABASE_URL="postgres://newsroom:db-pass-3@db.internal:5432/newsroom",
        OPENSEARCH_URL="https://newsroom:os-pass-4@search.internal:9200"))
    assert found == {"SECRET_KEY": "k" * 60, "EMAIL_HOST_PASSWORD": "smtp-pass-1",
                     "WAGTAILFRONTENDCACHE.cloudflare.BEARER_TOKEN": "cf-token-2",
                     "DATABASES.default.PASSWORD": "db-pass-3",
                     "OPENSEARCH_URL": "https://newsroom:os-pass-4@search.internal:9200",
                     "WAGTAILSEARCH_BACKENDS.default.URLS[0]": "https://newsroom:os-pass-4@search.internal:9200"}


def test_the_sign_in_throttle_is_configured_from_the_environment():
    defaults = production_settings(SECRET_KEY=strong_key())
    assert defaults["AXES_FAILURE_LIMIT"] == 5
    assert defaults["AXES_COOLOFF_TIME"] == "datetime.timedelta(seconds=900)"
    assert defaults["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert defaults["TRUSTED_PROXY_COUNT"] == 0
    assert defaults["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesBackend"
    assert defaults["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    configured = production_settings(SECRET_KEY=strong_key(), AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="60",
                                     TRUSTED_PROXY_COUNT="2")
    assert configured["AXES_FAILURE_LIMIT"] == 3
    assert configured["AXES_COOLOFF_TIME"] == "datetime.timedelta(seconds=3600)"
    assert configured["TRUSTED_PROXY_COUNT"] == 2
