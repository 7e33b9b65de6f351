"""Security headers on what readers get: a Content-Security-Policy with no inline scripts or styles
that every rendered page actually keeps to, the frame, referrer, sniffing, opener and permissions
headers, the same on a page-cache HIT as on a MISS, and the admin left out of the policy only."""

import html.parser
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data

from sharing.models import DraftLink
from tests.helpers import REPO

pytestmark = pytest.mark.django_db
# Set on every public response, whichever middleware path it took.
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options",
                    "Cross-Origin-Opener-Policy", "Permissions-Policy")
SAME_ORIGIN = ("", "testserver")  # the test client's host; the userbar's URLs are protocol-relative


def directives(response):
    """The policy as {directive: [sources]}."""
    parsed = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def pages(home, section, author, make_article):
    """One URL of every kind of public page, with an image, a JSON-LD block and a shared draft."""
    image = get_image_model().objects.create(title="Harbour", file=get_test_image_file(), description="The harbour")
    article = make_article("Harbour reopens after storm", standfirst="Boats are back.", lead_image=image,
                           tags=["harbour"],
                           body=[{"type": "paragraph", "value": "<p>The harbour <b>reopened</b> today.</p>"}])
    draft = make_article("Harbour draft", publish=False)
    _, token = DraftLink.create_for(draft, None, 7)
    return {"home": "/", "section": section.url, "article": article.url, "author": author.get_absolute_url(),
            "tag": "/tags/harbour/", "search": "/search/", "search with a query": "/search/?q=harbour",
            "404": "/no-such-page/", "draft link": reverse("draft_link", args=[token]),
            "unknown draft link": reverse("draft_link", args=["x" * 43])}


def test_public_pages_carry_a_policy_without_unsafe_inline_or_nonces(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'self'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["frame-ancestors"] == ["'self'"], name
        assert policy["img-src"][:2] == ["'self'", "data:"], name
        assert "nonce-" not in response["Content-Security-Policy"], "cached pages cannot carry a per-request nonce"


class PolicyReader(html.parser.HTMLParser):
    """What in a page this policy would block: inline scripts and styles, event handler attributes,
    javascript: URLs, scripts and stylesheets from another origin. JSON data blocks (JSON-LD, the
    userbar's json_script configuration) are not scripts: browsers never run them."""

    def __init__(self):
        super().__init__()
        self.blocked, self.json_ld = [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name == "style":
                self.blocked.append(f"<{tag} style=…>")
            url = (value or "").strip().lower()
            if name in ("href", "src", "action", "formaction") and url.startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            src = attrs.get("src")
            if src is not None:
                if urlsplit(src).netloc not in SAME_ORIGIN:
                    self.blocked.append(f"<script src={src}>")
            elif attrs.get("type") == "application/ld+json":
                self._script = "json-ld"
                self.json_ld.append("")
            elif attrs.get("type") == "application/json":  # a data block (json_script), never run
                pass
            else:
                self.blocked.append("<script> inline")
        if tag == "link" and attrs.get("rel") == "stylesheet" and urlsplit(attrs["href"]).netloc not in SAME_ORIGIN:
            self.blocked.append(f"<link stylesheet {attrs['href']}>")

    def handle_data(self, data):
        if self._script == "json-ld":
            self.json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def read(response):
    reader = PolicyReader()
    reader.feed(response.content.decode())
    return reader


def test_every_public_page_keeps_to_the_policy(client, pages):
    for name, url in pages.items():
        reader = read(client.get(url))
        assert reader.blocked == [], f"{name} ({url}): {reader.blocked}"


def test_the_pages_an_editor_sees_with_the_userbar_keep_to_it_too(editor_client, pages):  # noqa: F811
    for name in ("home", "article", "search with a query"):
        response = editor_client.get(pages[name])
        html = response.content.decode()
        assert "wagtail-userbar" in html, name
        assert "Content-Security-Policy" in response, name
        assert read(response).blocked == [], name


def test_the_article_still_carries_its_json_ld(client, pages):
    reader = read(client.get(pages["article"]))
    assert len(reader.json_ld) == 1
    data = json.loads(reader.json_ld[0])
    assert data["headline"] == "Harbour reopens after storm"


def test_a_cached_page_carries_the_same_security_headers_as_a_fresh_one(client, pages):
    for name in ("home", "article", "section"):
        miss = client.get(pages[name])
        hit = client.get(pages[name])
        assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT"), name
        for header in SECURITY_HEADERS:
            assert miss[header] == hit[header], (name, header)
    assert hit["X-Frame-Options"] == "SAMEORIGIN"
    assert hit["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in hit["Permissions-Policy"] and "geolocation=()" in hit["Permissions-Policy"]


def test_a_policy_change_reaches_pages_already_in_the_cache(client, settings, pages):
    """The policy is added outside the page cache, so a deploy that changes it needs no purge."""
    assert client.get("/")["X-Cache"] == "MISS"
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": {
        **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "https://media.example.net"]}}
    hit = client.get("/")
    assert hit["X-Cache"] == "HIT"
    assert directives(hit)["img-src"] == ["'self'", "https://media.example.net"]


def production_values(environ, names):
    """Settings of newsroom.settings.production evaluated in a fresh interpreter with `environ`."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("AWS_", "SECURE_", "CSP_", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"))}
    code = f"import json, newsroom.settings.production as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = subprocess.run([sys.executable, "-c", code], env={**clean, "SECRET_KEY": "x" * 60, **environ},
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_for_a_year_on_https_on_hits_and_misses(client, settings, pages):
    values = production_values({}, ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"])
    assert values == {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                      "SECURE_HSTS_PRELOAD": False}
    for name, value in values.items():
        setattr(settings, name, value)
    miss = client.get("/", secure=True)
    hit = client.get("/", secure=True)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    hsts = "max-age=31536000; includeSubDomains"
    assert miss["Strict-Transport-Security"] == hit["Strict-Transport-Security"] == hsts
    assert "Strict-Transport-Security" not in client.get("/"), "HSTS only ever comes over HTTPS"


@pytest.mark.parametrize("environ,expected", [
    ({}, []),
    ({"AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_CUSTOM_DOMAIN": "cdn.newsroom.example"},
     ["https://cdn.newsroom.example"]),
    ({"AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000"},
     ["https://minio.internal:9000", "https://newsroom-media.minio.internal:9000"]),
    ({"AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
     ["http://127.0.0.1:9000"]),
    ({"AWS_STORAGE_BUCKET_NAME": "newsroom-media", "AWS_S3_REGION_NAME": "eu-west-2"},
     ["https://newsroom-media.s3.amazonaws.com", "https://newsroom-media.s3.eu-west-2.amazonaws.com"]),
    ({"AWS_STORAGE_BUCKET_NAME": "newsroom-media", "CSP_MEDIA_ORIGINS": "https://img.example.org"},
     ["https://img.example.org"]),
])
def test_images_may_come_from_where_media_are_stored(environ, expected):
    policy = production_values(environ, ["CONTENT_SECURITY_POLICY"])["CONTENT_SECURITY_POLICY"]
    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "data:", *expected]


def test_the_admin_is_left_out_of_the_policy(client, editor_client, pages):  # noqa: F811
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert "Content-Security-Policy" not in login
    assert login["X-Frame-Options"] == "SAMEORIGIN"
    assert login["X-Content-Type-Options"] == "nosniff"
    dashboard = editor_client.get("/admin/")
    assert dashboard.status_code == 200 and "Content-Security-Policy" not in dashboard


def test_the_preview_is_under_the_pages_policy_and_the_admin_may_frame_it(editor_client, section):  # noqa: F811
    """Wagtail renders a preview as a request for the page's own URL, through every middleware: it
    gets the public policy, whose framing rules must let the admin's preview panel show it."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[section.pk])
    form = nested_form_data({"title": section.title, "slug": section.slug, "intro": ""})
    posted = editor_client.post(url, form)
    assert posted.json()["is_valid"], posted.content
    preview = editor_client.get(url, {"in_preview_panel": "true"})
    assert preview.status_code == 200 and section.title in preview.content.decode()
    assert directives(preview)["frame-ancestors"] == ["'self'"]
    assert directives(preview)["script-src"] == ["'self'"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert read(preview).blocked == []
