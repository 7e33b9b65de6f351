"""Shareable draft links: an anonymous reader with the link sees the pinned revision, rendered like
the live site with a banner and never cached or indexed; unknown tokens are a plain 404, expired and
revoked ones a 410; the token is kept only as a hash; editors create, list and revoke links in the
admin; the shared draft shows on no public surface while its link is active."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from search import index
from search.related import related_articles
from sharing.models import DraftLink
from tests.helpers import edit_url, logged_in, make_user

pytestmark = pytest.mark.django_db

BANNER = "Draft preview — not published"


def link_url(token):
    return reverse("draft_link", args=[token])


@pytest.fixture
def draft(make_article):
    return make_article("Quorvantic harbour deal draft", standfirst="Unreleased terms.",
                        body="Quorvantic negotiators agreed the harbour terms.", publish=False)


def share(page, user=None, days=7):
    return DraftLink.create_for(page, user, days)


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_anonymous_reader_sees_the_draft_with_the_banner(client, draft):
    _, token = share(draft)
    response = client.get(link_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quorvantic harbour deal draft" in html and "Quorvantic negotiators agreed" in html
    assert BANNER in html
    assert_private(response)
    assert "data-article-id" not in html, "a draft link must not send a Top Trending view beacon"
    assert 'class="article"' in html, "rendered with the live article template"


def test_live_url_keeps_the_live_version_while_the_link_shows_the_draft(client, make_article):
    article = make_article("Harbour talks continue", body="Talks go on.")
    article.title = "Harbour talks collapse"
    article.save_revision()
    _, token = share(article)

    live = client.get(article.url).content.decode()
    assert "Harbour talks continue" in live and "Harbour talks collapse" not in live and BANNER not in live
    shared = client.get(link_url(token)).content.decode()
    assert "Harbour talks collapse" in shared and BANNER in shared


def test_unknown_token_is_a_404_that_reveals_nothing(client, draft):
    _, token = share(draft)
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, "short"):
        response = client.get(link_url(wrong))
        assert response.status_code == 404
        html = response.content.decode()
        assert "This link is not valid" in html
        assert "Quorvantic" not in html and BANNER not in html
        assert_private(response)


def test_expired_and_revoked_links_are_gone(client, draft, editor):  # noqa: F811
    expired, expired_token = share(draft)
    DraftLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_token = share(draft)
    revoked.revoke(editor)

    response = client.get(link_url(expired_token))
    assert response.status_code == 410
    assert "has expired" in response.content.decode() and "Quorvantic" not in response.content.decode()
    assert_private(response)
    response = client.get(link_url(revoked_token))
    assert response.status_code == 410
    assert "was revoked" in response.content.decode() and "Quorvantic" not in response.content.decode()
    assert DraftLink.objects.get(pk=revoked.pk).revoked_by == editor


def test_the_token_is_stored_only_as_its_hash(draft):
    link, token = share(draft)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {DraftLink._meta.db_table} AS t")
        rows = [row[0] for row in cursor.fetchall()]
    assert rows and all(token not in row for row in rows)
    assert DraftLink.objects.find(token) == link
    assert DraftLink.objects.find(link.token_hash) is None, "the stored hash is not itself a token"


def test_expiry_defaults_to_seven_days_and_is_at_most_thirty(draft, editor_client):  # noqa: F811
    link, _ = share(draft)
    assert abs((link.expires_at - link.created_at) - timedelta(days=7)) < timedelta(seconds=1)
    with pytest.raises(ValueError):
        share(draft, days=31)

    create = reverse("sharing_create", args=[draft.pk])
    form = editor_client.get(create)
    assert form.status_code == 200 and 'value="7"' in form.content.decode()
    before = DraftLink.objects.count()
    for days in ("31", "0", "lots"):
        response = editor_client.post(create, {"days": days})
        assert response.status_code == 200 and response.context["form"].errors
    assert DraftLink.objects.count() == before
    response = editor_client.post(create, {"days": "30"})
    link = DraftLink.objects.latest("created_at")
    assert abs((link.expires_at - link.created_at) - timedelta(days=30)) < timedelta(seconds=1)


def test_a_link_stays_pinned_to_its_revision_and_the_admin_says_so(client, draft, editor_client):  # noqa: F811
    link, token = share(draft)
    draft.title = "Quorvantic harbour deal, second draft"
    draft.save_revision()

    html = client.get(link_url(token)).content.decode()
    assert "Quorvantic harbour deal draft" in html and "second draft" not in html
    assert DraftLink.objects.get(pk=link.pk).has_newer_draft
    listing = editor_client.get(reverse("sharing_index")).content.decode()
    assert "The page has a newer draft" in listing

    _, fresh_token = share(draft)
    assert "second draft" in client.get(link_url(fresh_token)).content.decode()


def test_editor_creates_lists_and_revokes_a_link_in_the_admin(client, draft, editor, editor_client):  # noqa: F811
    edit = editor_client.get(edit_url(draft)).content.decode()
    create = reverse("sharing_create", args=[draft.pk])
    assert "Share draft" in edit and create in edit

    response = editor_client.post(create, {"days": "7"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'value="(http://[^"]+/draft/[A-Za-z0-9_-]+/)"', response.content.decode()).group(1)
    link = DraftLink.objects.get()
    assert link.created_by == editor and link.revision == draft.get_latest_revision()

    assert client.get(url).status_code == 200  # an anonymous reader
    listing = editor_client.get(reverse("sharing_index"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert draft.title in html and "editor" in html and "Active" in html
    assert url.rsplit("/", 2)[-2] not in html, "the token is shown once, on creation only"

    assert editor_client.get(reverse("sharing_revoke", args=[link.pk])).status_code == 405
    response = editor_client.post(reverse("sharing_revoke", args=[link.pk]))
    assert response.status_code == 302
    assert "Revoked" in editor_client.get(reverse("sharing_index")).content.decode()
    assert client.get(url).status_code == 410


def denied(response):
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_reporters_cannot_share_pages_they_cannot_edit(draft):
    reporter = make_user("reporter", "Reporters")
    reporter_client = logged_in(reporter)
    assert denied(reporter_client.post(reverse("sharing_create", args=[draft.pk]), {"days": "7"}))
    assert denied(reporter_client.get(reverse("sharing_create", args=[draft.pk])))
    assert denied(reporter_client.get(reverse("sharing_index")))
    assert "Share draft" not in reporter_client.get(edit_url(draft)).content.decode()
    link, _ = share(draft)
    assert denied(reporter_client.post(reverse("sharing_revoke", args=[link.pk])))
    assert not DraftLink.objects.filter(created_by=reporter).exists()
    assert DraftLink.objects.get(pk=link.pk).revoked_at is None


def test_reporters_can_share_their_own_drafts(section, author):
    from news.publishing import create_article

    reporter = make_user("reporter", "Reporters")
    own = create_article(section, title="My own draft", authors=[author], publish=False, owner=reporter)
    assert own.permissions_for_user(reporter).can_edit()
    response = logged_in(reporter).post(reverse("sharing_create", args=[own.pk]), {"days": "3"})
    assert response.status_code == 200 and "/draft/" in response.content.decode()


@pytest.mark.opensearch
def test_shared_draft_content_appears_on_no_public_surface(client, home, section, author, make_article):
    index.rebuild()
    control = make_article("Velmorath ferry timetable", standfirst="Ferries resume.",
                           body="Velmorath harbour ferries resume service.", tags=["velmorath"])
    make_article("Velmorath ferry twin", body="Velmorath harbour ferries resume service.", tags=["velmorath"])
    never = make_article("Velmorath Xyqlent draft", standfirst="Xyqlent terms.",
                         body="Velmorath harbour ferries Xyqlent secret deal.", tags=["velmorath"], publish=False)
    live = make_article("Velmorath berth plans", body="Velmorath harbour berth plans.", tags=["velmorath"])
    live.title = "Velmorath Xyqlent berth revision"
    live.body = [{"type": "paragraph", "value": "Velmorath harbour Xyqlent berth revision."}]
    live.save_revision()
    tokens = [share(never)[1], share(live)[1]]
    for token in tokens:
        assert "Xyqlent" in client.get(link_url(token)).content.decode()  # the links are active

    # The positive control: search finds the visible article, so an empty answer means something.
    found = client.get("/api/search/", {"q": "velmorath"}).json()
    assert control.pk in [hit["id"] for hit in found["results"]]

    surfaces = {
        "search": client.get("/search/", {"q": "xyqlent"}),
        "search by shared word": client.get("/search/", {"q": "velmorath"}),
        "suggestions": client.get("/search/suggest/", {"q": "xyqle"}),
        "api": client.get("/api/search/", {"q": "xyqlent"}),
        "home": client.get(home.url),
        "section": client.get(section.url),
        "author": client.get(reverse("author", args=[author.slug])),
        "tag": client.get(reverse("tag", args=["velmorath"])),
        "feed": client.get("/feed/"),
        "sitemap": client.get("/sitemap.xml"),
        "related posts": client.get(control.url),
    }
    for name, response in surfaces.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        # Queries are sent in lower case, so the page's echo of one does not count.
        assert "Xyqlent" not in text and never.slug not in text, name
        assert "/draft/" not in text, name
    assert client.get("/api/search/", {"q": "xyqlent"}).json()["total"] == 0
    assert never.pk not in [a.pk for a in related_articles(control, limit=10)]
    assert all("Xyqlent" not in a.title for a in related_articles(control, limit=10))
