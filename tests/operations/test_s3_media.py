"""Media on S3, end to end: images and documents uploaded through the Wagtail admin land in a real
S3-compatible server (moto's standalone server, a separate process on 127.0.0.1, see devenv/s3.py),
their renditions are written there too, and readers fetch them from there over HTTP.

The settings come from newsroom/settings/base.py itself, evaluated in a fresh interpreter with the
environment a deployment would set (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, …), then applied
with override_settings(STORAGES=…): Django drops `default_storage` when STORAGES changes, and both
Wagtail's image and rendition file fields store through that same lazy `default_storage`.
"""

import html.parser
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from devenv.s3 import ACCESS_KEY, SECRET_KEY, S3Server
from tests.helpers import REPO

pytestmark = pytest.mark.django_db
SETTING_NAMES = ("STORAGES", "WAGTAILDOCS_SERVE_METHOD", "AWS_", "CONTENT_SECURITY_POLICY")


def assert_policy_allows_images(url, image_urls):
    """The page's Content-Security-Policy lets a reader's browser load these images."""
    policy = Client().get(url)["Content-Security-Policy"]
    img_src = next(d.split()[1:] for d in policy.split(";") if d.split()[0] == "img-src")
    for image_url in image_urls:
        parts = urlsplit(image_url)
        assert f"{parts.scheme}://{parts.netloc}" in img_src, (image_url, img_src)


@pytest.fixture(scope="module")
def s3():
    server = S3Server(bucket="newsroom-test-media").start()
    yield server
    server.stop()


def deployed_settings(environ):
    """What newsroom.settings.test makes of this environment: a fresh interpreter, so the S3 block
    of base.py runs exactly as it does at a deployment's start."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "DJANGO_SETTINGS_MODULE"}
    code = ("import json, newsroom.settings.test as s; print(json.dumps({k: getattr(s, k) for k in dir(s) "
            f"if k.startswith({SETTING_NAMES!r})}}))")
    result = subprocess.run([sys.executable, "-c", code], env={**clean, **environ}, cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bucket_objects(s3):
    """Every object in the bucket, asked of the server over its S3 API, not of Django's storage."""
    client = s3.client()
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket)
    return {item["Key"]: item for page in pages for item in page.get("Contents", ())}


@pytest.fixture
def media_on_s3(s3):
    """Switch media to the moto bucket, configured the way production is, for one test."""

    def switch(**environ):
        values = deployed_settings({**s3.environ(), **environ})
        assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        # Credentials are read from the environment at storage creation; give them as settings so
        # boto3 never looks further (a profile, or instance metadata on the network).
        values.update(AWS_S3_ACCESS_KEY_ID=ACCESS_KEY, AWS_S3_SECRET_ACCESS_KEY=SECRET_KEY)
        override = override_settings(**values)
        override.enable()
        overrides.append(override)
        assert default_storage.bucket_name == s3.bucket
        return values

    client = s3.client()
    for key in bucket_objects(s3):  # each test starts from an empty bucket
        client.delete_object(Bucket=s3.bucket, Key=key)
    overrides = []
    yield switch
    for override in reversed(overrides):
        override.disable()


class FormReader(html.parser.HTMLParser):
    """The fields a browser would submit from the page's multipart form, with their defaults."""

    def __init__(self):
        super().__init__()
        self.fields, self.file_fields = {}, []
        self._in_form = False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("enctype") == "multipart/form-data":
            self._in_form = True
        if not self._in_form or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "file":
                self.file_fields.append(name)
            elif kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in {"submit", "button", "image"}:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.fields or "selected" in attrs):
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def submit_admin_upload(client, url, **values):
    """GET the admin's add form and POST it back as the browser would, with `values` filled in."""
    page = client.get(url)
    assert page.status_code == 200
    form = FormReader()
    form.feed(page.content.decode())
    assert "file" in form.file_fields, form.file_fields
    response = client.post(url, {**form.fields, **values})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def photo(name="harbour.jpg", size=(1600, 1000)):
    """A real JPEG: a gradient, so renditions have something to resize."""
    image = PILImage.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user("desk", "desk@example.com", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


class ImageURLs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.urls.append(attrs["src"])
            self.urls += [item.strip().rsplit(" ", 1)[0] for item in attrs.get("srcset", "").split(",") if item.strip()]


def lead_image_urls(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    figure = response.content.decode().split('<figure class="lead-image">', 1)[1].split("</figure>", 1)[0]
    parser = ImageURLs()
    parser.feed(figure)  # unescapes &amp; in the signed URLs' query strings
    return list(dict.fromkeys(parser.urls))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def _gone(pid, timeout=15):
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_foreground_server_stops_on_ctrl_c_and_sigterm(signum):
    runner = subprocess.Popen([sys.executable, "-m", "devenv.s3"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        lines = [runner.stdout.readline() for _ in range(4)]
        pid = int(re.search(r"pid (\d+)", lines[2]).group(1))
        endpoint = re.search(r"AWS_S3_ENDPOINT_URL=(\S+)", lines[3]).group(1)
        assert fetch(endpoint + "/")[0] == 200
        runner.send_signal(signum)
        assert runner.wait(timeout=15) == 0
        assert _gone(pid)
    finally:
        if runner.poll() is None:
            runner.kill()


def test_the_server_does_not_outlive_a_killed_test_run():
    # pytest killed with SIGKILL (or SIGTERM, which skips fixture teardown) cannot stop the server.
    code = ("import time\nfrom devenv.s3 import S3Server\n"
            "print(S3Server().start().process.pid, flush=True)\ntime.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    assert Path(f"/proc/{pid}").exists()
    parent.kill()
    parent.wait()
    assert _gone(pid)


def test_settings_for_production_s3(s3):
    values = deployed_settings(s3.environ())
    assert values["AWS_S3_SIGNATURE_VERSION"] == "s3v4"
    assert values["AWS_QUERYSTRING_AUTH"] is True
    assert values["AWS_QUERYSTRING_EXPIRE"] == 3600
    assert values["AWS_LOCATION"] == "media"
    assert values["AWS_S3_OBJECT_PARAMETERS"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert values["WAGTAILDOCS_SERVE_METHOD"] == "redirect"

    values = deployed_settings({**s3.environ(), "AWS_QUERYSTRING_EXPIRE": "900", "AWS_S3_CUSTOM_DOMAIN": "cdn.example"})
    assert (values["AWS_QUERYSTRING_EXPIRE"], values["AWS_QUERYSTRING_AUTH"]) == (900, False)

    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, "-c", "import newsroom.settings.test"], cwd=REPO, capture_output=True,
                            text=True, env={**clean, **s3.environ(), "AWS_QUERYSTRING_EXPIRE": "864000"})
    assert result.returncode != 0 and "AWS_QUERYSTRING_EXPIRE must be between 1 and 604800" in result.stderr


def test_admin_image_upload_and_its_renditions_are_stored_in_and_served_from_the_bucket(
        s3, media_on_s3, editor_client, make_article):
    media_on_s3()
    submit_admin_upload(editor_client, reverse("wagtailimages:add"), title="Harbour at dawn", file=photo())

    image = get_image_model().objects.get(title="Harbour at dawn")
    assert (image.width, image.height) == (1600, 1000)  # Wagtail read the upload it stored
    objects = bucket_objects(s3)
    assert image.file.name.startswith("original_images/harbour")
    assert f"media/{image.file.name}" in objects
    assert objects[f"media/{image.file.name}"]["Size"] == image.file_size
    assert not (Path(settings.MEDIA_ROOT) / image.file.name).exists()  # nothing went to the local disk

    article = make_article("Storm closes the harbour", lead_image=image)
    urls = lead_image_urls(editor_client, article)
    assert len(urls) == 3  # the 480, 800 and 1200 wide srcset candidates (src is the first)
    assert_policy_allows_images(article.url, urls)

    # The srcset's three, plus the social card's and the structured data's JPEGs.
    renditions = {r.file.name: r for r in image.renditions.all()}
    assert {r.filter_spec for r in renditions.values()} == {
        "width-480|format-webp", "width-800|format-webp", "width-1200|format-webp",
        "fill-1200x630|format-jpeg", "fill-1200x675|format-jpeg"}
    objects = bucket_objects(s3)
    for name in renditions:
        assert f"media/{name}" in objects, f"rendition {name} is not in the bucket: {sorted(objects)}"

    for url in urls:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == s3.url
        assert parts.path.startswith(f"/{s3.bucket}/media/images/harbour")
        query = parse_qs(parts.query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]  # signature version 4
        assert query["X-Amz-Expires"] == ["3600"]

        status, headers, body = fetch(url)
        assert status == 200
        assert headers["Content-Type"] == "image/webp"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        served = PILImage.open(io.BytesIO(body))
        assert served.format == "WEBP"
        rendition = renditions[parts.path.removeprefix(f"/{s3.bucket}/media/")]
        assert served.size == (rendition.width, rendition.height)

        # The objects are private: the same URL without its signature is refused.
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(f"{s3.url}{parts.path}")
        assert refused.value.code == 403


def test_behind_a_cdn_urls_use_its_domain_and_are_unsigned(s3, media_on_s3, editor_client, make_article):
    values = media_on_s3(AWS_S3_CUSTOM_DOMAIN="cdn.newsroom.test")
    assert values["AWS_QUERYSTRING_AUTH"] is False
    submit_admin_upload(editor_client, reverse("wagtailimages:add"), title="Quay", file=photo("quay.jpg"))
    image = get_image_model().objects.get(title="Quay")

    article = make_article("Quay reopens", lead_image=image)
    urls = lead_image_urls(editor_client, article)
    objects = bucket_objects(s3)
    assert f"media/{image.file.name}" in objects
    assert len(urls) == 3
    assert_policy_allows_images(article.url, urls)
    for url in urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.query) == ("https", "cdn.newsroom.test", "")
        # The CDN's origin is the bucket: the path is the object's key, and that object exists.
        assert parts.path.removeprefix("/") in objects


def test_admin_document_upload_is_stored_in_the_bucket_and_served_by_a_redirect(
        s3, media_on_s3, editor_client):
    media_on_s3()
    content = b"%PDF-1.4\n% Newsroom test document\n" + b"0" * 2048
    submit_admin_upload(editor_client, reverse("wagtaildocs:add"), title="Annual report",
                        file=SimpleUploadedFile("annual-report.pdf", content, content_type="application/pdf"))
    document = get_document_model().objects.get(title="Annual report")
    objects = bucket_objects(s3)
    assert f"media/{document.file.name}" in objects
    assert document.url == f"/documents/{document.id}/annual-report.pdf"  # links never hold a signed URL

    response = Client().get(document.url)  # a reader's
    assert response.status_code == 302  # Django does not stream it: the bucket serves the bytes
    location = response["Location"]
    assert location.startswith(f"{s3.url}/{s3.bucket}/media/documents/annual-report")
    assert "X-Amz-Signature=" in location
    status, headers, body = fetch(location)
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", content)


def test_a_private_collection_document_is_redirected_to_the_bucket_only_after_login(
        s3, media_on_s3, editor_client):
    media_on_s3()
    private = Collection.get_first_root_node().add_child(name="Legal")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    submit_admin_upload(editor_client, reverse("wagtaildocs:add"), title="Contract", collection=private.id,
                        file=SimpleUploadedFile("contract.txt", b"Confidential terms.", content_type="text/plain"))
    document = get_document_model().objects.get(title="Contract")
    assert document.collection == private
    key = f"media/{document.file.name}"
    assert key in bucket_objects(s3)

    response = Client().get(document.url)  # a reader's, not logged in
    assert response.status_code == 302 and s3.url not in response["Location"]  # to the login page
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{s3.url}/{s3.bucket}/{key}")  # nor can the object be fetched without a signature
    assert refused.value.code == 403

    response = editor_client.get(document.url)
    assert response.status_code == 302 and response["Location"].startswith(s3.url)
    assert fetch(response["Location"])[2] == b"Confidential terms."
