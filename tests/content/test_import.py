"""Importing an archive from JSON Lines (news.importer and `manage.py import_articles`), on the real
PostgreSQL and OpenSearch that `make test` starts: valid records become articles, invalid ones are
reported by line number and skipped, re-runs never duplicate, and imported articles are searchable."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from news.importer import import_jsonl
from news.models import ArticlePage, Author
from tests.helpers import make_section

Image = get_image_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Imported images are written under the test's own directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def europe(section):
    """World > Europe (`section` is World)."""
    return make_section(section, "Europe")


def write_jsonl(path, *lines):
    """One line per item: a dict or list is written as JSON, str and bytes verbatim ("" is a blank line)."""

    def encode(line):
        if isinstance(line, bytes):
            return line
        return (line if isinstance(line, str) else json.dumps(line)).encode()

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(encode(line) + b"\n" for line in lines))
    return path


def make_image(path, size=(64, 48), fmt="PNG"):
    path.parent.mkdir(parents=True, exist_ok=True)
    PillowImage.new("RGB", size, (200, 40, 40)).save(path, format=fmt)
    return path


def stored_files(media_root):
    return sorted(p.name for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def run_command(*args):
    """call_command, returning (exit code, stdout, stderr); the command exits 1 when lines were invalid."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


FULL_BODY = [
    {"type": "paragraph", "value": "<p>The <b>sleeper</b> service from Brussels reaches Berlin overnight.</p>"},
    {"type": "heading", "value": {"text": "What happens next", "level": "h3"}},
    {"type": "pull_quote", "value": {"quote": "Trains are back in fashion.", "attribution": "The operator"}},
    {"type": "block_quote", "value": {"quote": "Demand exceeded every forecast.", "source": "Annual report",
                                      "source_url": "https://example.com/report"}},
    {"type": "fact_box", "value": {"title": "Key facts", "body": "<ul><li>12 hours</li><li>3 nights a week</li></ul>"}},
    {"type": "table", "value": {"data": [["Route", "Hours"], ["Brussels-Berlin", "12"]],
                                "first_row_is_table_header": True, "first_col_is_header": False,
                                "table_caption": "Journey times"}},
    {"type": "related_links", "value": {"heading": "Read more",
                                        "links": [{"url": "https://example.com/rail", "title": "Background"}]}},
    {"type": "internal_note", "value": "Check the timetable with the operator."},
]


def test_valid_records_become_published_articles_with_all_their_fields(client, tmp_path, section, europe, author):
    # `author` (Amara Okafor) already exists and must be reused; an unrelated author already holds
    # the slug "jean-dupont", so the new Jean Dupont needs another one.
    Author.objects.create(name="Jean Dupont (sport)", slug="jean-dupont")
    make_image(tmp_path / "images" / "lead.png", size=(64, 48))
    path = write_jsonl(
        tmp_path / "archive.jsonl",
        {"id": "arch-1", "title": "Night trains return to Europe", "standfirst": "Sleeper services are booming.",
         "section": "world/europe", "authors": ["Jean Dupont", "Amara Okafor", "Zoë Lindqvist"],
         "tags": ["rail", "Climate"], "published_at": "2019-03-05T09:30:00+01:00",
         "updated_at": "2019-03-06T18:00:00Z", "body": FULL_BODY, "image": "images/lead.png",
         "image_caption": "The first train leaves Brussels.", "image_credit": "Rail Press", "breaking": True},
        {"id": 1042, "title": "Elections called", "section": "World", "authors": ["Amara Okafor"],
         "published_at": "2020-01-01T00:00:00Z", "body": [{"type": "paragraph", "value": "<p>Voters go.</p>"}]},
        {"id": "arch-draft", "title": "Unfinished piece", "section": "world/europe", "authors": ["Zoë Lindqvist"],
         "published_at": "2021-06-01T12:00:00+02:00", "publish": False,
         "body": [{"type": "paragraph", "value": "<p>Not ready.</p>"}]},
        {"id": "arch-min", "title": "Only the required fields", "section": "world"},
        {"id": "arch-empty", "title": "Empty lists", "section": "world", "body": [], "authors": [], "tags": []},
    )
    before = timezone.now()
    report = import_jsonl(path)

    assert report.errors == []
    assert [(n, a.external_id) for n, a in report.imported] == [
        (1, "arch-1"), (2, "1042"), (3, "arch-draft"), (4, "arch-min"), (5, "arch-empty")]
    assert report.summary() == "5 imported, 0 already imported, 0 invalid"
    # Live and public: every public listing starts from ArticlePage.objects.visible(); the draft is not there.
    assert sorted(ArticlePage.objects.visible().values_list("external_id", flat=True)) == [
        "1042", "arch-1", "arch-empty", "arch-min"]

    article = ArticlePage.objects.get(external_id="arch-1")
    assert article.live and not article.has_unpublished_changes
    assert article.title == "Night trains return to Europe"
    assert article.standfirst == "Sleeper services are booming."
    assert article.get_parent().specific == europe
    assert article.url_path == "/home/world/europe/night-trains-return-to-europe/"
    # Byline in the file's order; the existing author reused, new ones created with unique slugs.
    assert [a.name for a in article.authors] == ["Jean Dupont", "Amara Okafor", "Zoë Lindqvist"]
    assert article.authors[1].pk == author.pk
    assert Author.objects.filter(name="Amara Okafor").count() == 1
    assert Author.objects.get(name="Jean Dupont").slug == "jean-dupont-2"
    assert Author.objects.get(name="Zoë Lindqvist").slug == "zoe-lindqvist"
    assert sorted(article.tags.names()) == ["Climate", "rail"]
    # published_at (with its +01:00 offset) is the date readers see and Wagtail's first publication.
    published = datetime(2019, 3, 5, 8, 30, tzinfo=UTC)
    assert article.published_date == published
    assert article.first_published_at == published
    assert article.updated_date == datetime(2019, 3, 6, 18, 0, tzinfo=UTC)
    assert article.breaking is True
    assert article.lead_image.title == "Night trains return to Europe"
    assert (article.lead_image.width, article.lead_image.height) == (64, 48)
    assert article.lead_image_caption == "The first train leaves Brussels."
    assert article.lead_image_credit == "Rail Press"

    body = article.body
    assert [block.block_type for block in body] == [
        "paragraph", "heading", "pull_quote", "block_quote", "fact_box", "table", "related_links", "internal_note"]
    assert "Brussels reaches Berlin overnight" in body[0].value.source
    assert dict(body[1].value) == {"text": "What happens next", "level": "h3"}
    assert body[2].value["quote"] == "Trains are back in fashion."
    assert body[2].value["attribution"] == "The operator"
    assert body[3].value["source_url"] == "https://example.com/report"
    assert body[4].value["title"] == "Key facts"
    assert "<li>12 hours</li>" in body[4].value["body"].source
    assert body[5].value["data"] == [["Route", "Hours"], ["Brussels-Berlin", "12"]]
    assert body[5].value["table_caption"] == "Journey times"
    assert body[6].value["links"][0]["url"] == "https://example.com/rail"
    assert body[7].value == "Check the timetable with the operator."

    # The imported page renders for readers, without the internal note.
    response = client.get(article.get_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Brussels reaches Berlin overnight" in page and "Journey times" in page
    assert "Check the timetable" not in page

    # A numeric id is kept as text; a section may be named by its title.
    elections = ArticlePage.objects.get(external_id="1042")
    assert elections.live and elections.get_parent().specific == section
    assert [a.pk for a in elections.authors] == [author.pk]
    assert elections.published_date == elections.first_published_at == datetime(2020, 1, 1, tzinfo=UTC)

    # "publish": false → a draft: saved with a revision, not live, never published.
    draft = ArticlePage.objects.get(external_id="arch-draft")
    assert not draft.live
    assert draft.first_published_at is None
    assert draft.get_latest_revision() is not None
    assert draft.published_date == datetime(2021, 6, 1, 10, 0, tzinfo=UTC)
    assert not ArticlePage.objects.live().filter(pk=draft.pk).exists()

    # Only the required fields: published now, no byline, empty body.
    minimal = ArticlePage.objects.get(external_id="arch-min")
    assert minimal.live and minimal.get_parent().specific == section
    assert minimal.published_date == minimal.first_published_at
    assert before <= minimal.published_date <= timezone.now() + timedelta(seconds=1)
    assert minimal.authors == [] and len(minimal.body) == 0
    empty = ArticlePage.objects.get(external_id="arch-empty")
    assert empty.live and len(empty.body) == 0 and empty.authors == [] and list(empty.tags.names()) == []


def test_command_imports_a_valid_file_and_exits_zero(tmp_path, section):
    make_image(tmp_path / "photos" / "harbour.jpg", fmt="JPEG")
    path = write_jsonl(tmp_path / "data" / "archive.jsonl",
                       {"id": "cmd-1", "title": "Harbour reopens", "section": "world", "image": "harbour.jpg"})
    code, out, err = run_command(path, "--images-dir", tmp_path / "photos")
    assert (code, err) == (0, "")
    assert "1 imported, 0 already imported, 0 invalid" in out
    assert ArticlePage.objects.get(external_id="cmd-1").lead_image.file.name.endswith(".jpg")


def bad_file(tmp_path):
    """Valid records on lines 1, 16 and 23; every other line has one problem (line 4 is blank)."""
    make_image(tmp_path / "ok.png")
    (tmp_path / "not-an-image.png").write_text("this is text, not a picture")

    def rec(n, **fields):
        return {"id": f"bad-{n}", "title": f"Record {n}", "section": "world", **fields}

    return write_jsonl(
        tmp_path / "mixed.jsonl",
        rec(1, authors=["New Reporter"], title="First good record"),                      # 1 valid
        '{"id": "broken", "title": ',                                                     # 2
        '["not", "an", "object"]',                                                        # 3
        "",                                                                               # 4 blank
        {"title": "No id", "section": "world"},                                           # 5
        {"id": "bad-6"},                                                                  # 6
        rec(7, colour="red"),                                                             # 7
        rec(8, section="world/atlantis", authors=["Orphan Author"]),                      # 8
        rec(9, published_at="2024-05-01T09:30:00"),                                       # 9
        rec(10, body=[{"type": "poll", "value": {"question": "?"}}]),                     # 10
        rec(11, body=[{"type": "heading", "value": {"text": "", "level": "h2"}}]),        # 11
        rec(12, authors="Jane Doe"),                                                      # 12
        rec(13, image="missing/photo.jpg", authors=["Ghost Writer"]),                     # 13
        rec(14, title="x" * 256),                                                         # 14
        rec(15, body=[{"type": "pull_quote", "value": {"quote": "q" * 301}}]),            # 15
        rec(16, image="ok.png", title="Second good record"),                              # 16 valid
        rec(17, published_at="2024-02-30T10:00:00Z"),                                     # 17
        rec(18, body=[{"type": "heading", "value": "text"}]),                             # 18
        rec(19, image="not-an-image.png", authors=["Picture Less"]),                      # 19
        rec(20, authors=["N" * 121]),                                                     # 20
        rec(21, tags=["t" * 101]),                                                        # 21
        b'{"id": "bad-22", "title": "\xff\xfe", "section": "world"}',                          # 22
        rec(23, title="Third good record", body=[{"type": "paragraph", "value": 42}]),    # 23 valid
    )


EXPECTED_ERRORS = {
    2: "not valid JSON",
    3: "each line must be a JSON object",
    5: "missing required field(s): id",
    6: "missing required field(s): title, section",
    7: "unknown field(s): colour",
    8: "section 'world/atlantis' does not exist",
    9: "has no time zone",
    10: "unknown body block type(s): poll",
    11: "invalid body",
    12: "authors must be a list of non-empty strings",
    13: "image 'missing/photo.jpg' not found",
    14: "title must be 1-255 characters",
    15: "invalid body",
    17: "is not an ISO 8601 date-time",
    18: "invalid body: a block value has the wrong shape",
    19: "cannot be read as an image",
    20: "authors must be at most 120 characters each",
    21: "tags must be at most 100 characters each",
    22: "not valid JSON",
}


def test_command_reports_bad_lines_by_number_skips_them_and_exits_1(tmp_path, section):
    code, out, err = run_command(bad_file(tmp_path))

    assert code == 1
    assert "3 imported, 0 already imported, 19 invalid" in out
    lines = err.splitlines()
    assert len(lines) == len(EXPECTED_ERRORS)
    for line, (number, message) in zip(lines, EXPECTED_ERRORS.items(), strict=True):
        assert line.startswith(f"line {number}: "), line
        assert message in line, line
        assert line.endswith("(skipped)")
    # The valid records around the bad ones are in, published.
    assert sorted(ArticlePage.objects.visible().values_list("title", flat=True)) == [
        "First good record", "Second good record", "Third good record"]
    # A number given for paragraph text is stored as text, so the page can be rendered.
    assert ArticlePage.objects.get(external_id="bad-23").body[0].value.source == "42"


def test_import_jsonl_reports_errors_by_line_and_leaves_nothing_of_failed_records(tmp_path, section, media_root):
    report = import_jsonl(bad_file(tmp_path))

    assert [number for number, _ in report.errors] == list(EXPECTED_ERRORS)
    for number, message in report.errors:
        assert EXPECTED_ERRORS[number] in message, (number, message)
    assert [(number, article.external_id) for number, article in report.imported] == [
        (1, "bad-1"), (16, "bad-16"), (23, "bad-23")]
    assert report.skipped_existing == []
    assert ArticlePage.objects.count() == 3
    # Records are validated before anything is written: the authors and images named by failed
    # records (lines 8, 13, 19) were never created; only line 16's image was stored.
    assert list(Author.objects.values_list("name", flat=True)) == ["New Reporter"]
    assert list(Image.objects.values_list("title", flat=True)) == ["Second good record"]
    assert stored_files(media_root) == ["ok.png"]


def test_record_failing_while_saved_is_rolled_back_with_its_image_file(tmp_path, section, media_root):
    # A 120-character name that slugifies to a slug already taken: the new author's slug
    # ("a" * 120 + "-2") is too long for the column, so the database refuses it after the
    # record's image has been stored. That record is reported; the rest of the file goes on.
    Author.objects.create(name="a" * 120, slug="a" * 120)
    make_image(tmp_path / "lead.png")
    path = write_jsonl(
        tmp_path / "rollback.jsonl",
        {"id": "fails", "title": "Fails on save", "section": "world", "image": "lead.png",
         "authors": ["Fresh Author", "A" * 120]},
        {"id": "after", "title": "Imported after the failure", "section": "world"},
    )
    report = import_jsonl(path)

    assert [number for number, _ in report.errors] == [1]
    assert report.errors[0][1].startswith("could not be saved: value too long")
    assert [article.external_id for _, article in report.imported] == ["after"]
    assert list(ArticlePage.objects.values_list("external_id", flat=True)) == ["after"]
    assert not Author.objects.filter(name="Fresh Author").exists()
    assert not Image.objects.exists()
    assert stored_files(media_root) == [], "the stored image file must be removed with its rolled-back row"


def test_running_the_same_file_twice_imports_nothing_the_second_time(tmp_path, section):
    make_image(tmp_path / "lead.png")
    path = write_jsonl(
        tmp_path / "twice.jsonl",
        {"id": "r-1", "title": "Bridge reopens", "section": "world", "authors": ["Returning Writer"],
         "image": "lead.png", "tags": ["bridges"]},
        {"id": "r-2", "title": "Bridge closes again", "section": "world"},
        {"id": "r-draft", "title": "Bridge draft", "section": "world", "publish": False},
    )
    first = import_jsonl(path)
    assert len(first.imported) == 3 and first.errors == []
    counts = (ArticlePage.objects.count(), Author.objects.count(), Image.objects.count())

    code, out, err = run_command(path)

    assert (code, err) == (0, "")
    assert "line 1: id 'r-1' already imported (skipped)" in out
    assert "line 3: id 'r-draft' already imported (skipped)" in out  # drafts count as imported too
    assert "0 imported, 3 already imported, 0 invalid" in out
    assert (ArticlePage.objects.count(), Author.objects.count(), Image.objects.count()) == counts
    assert list(ArticlePage.objects.filter(title="Bridge reopens").values_list("slug", flat=True)) == [
        "bridge-reopens"]

    again = import_jsonl(path)
    assert again.imported == [] and again.errors == []
    assert again.skipped_existing == [(1, "r-1"), (2, "r-2"), (3, "r-draft")]
    assert again.summary() == "0 imported, 3 already imported, 0 invalid"


def test_same_id_twice_in_one_file_is_imported_once(tmp_path, section):
    path = write_jsonl(
        tmp_path / "dupes.jsonl",
        {"id": "invalid-first", "title": "Bad", "section": "nowhere"},
        {"id": "dup", "title": "First version", "section": "world"},
        {"id": "dup", "title": "Second version", "section": "world"},
        {"id": "invalid-first", "title": "Good after a bad one", "section": "world"},
    )
    report = import_jsonl(path)

    # The first occurrence wins; an invalid record does not claim its id.
    assert [(n, a.external_id) for n, a in report.imported] == [(2, "dup"), (4, "invalid-first")]
    assert report.skipped_existing == [(3, "dup")]
    assert [n for n, _ in report.errors] == [1]
    assert list(ArticlePage.objects.filter(external_id="dup").values_list("title", flat=True)) == ["First version"]
    assert ArticlePage.objects.get(external_id="invalid-first").title == "Good after a bad one"


@pytest.mark.opensearch
def test_imported_articles_are_found_by_opensearch_and_drafts_are_not_live(search_backend, tmp_path, section):
    path = write_jsonl(
        tmp_path / "search.jsonl",
        {"id": "s-1", "title": "Fossil find in the desert", "section": "world", "authors": ["Ines Paleo"],
         "tags": ["palaeontology"],
         "body": [{"type": "paragraph", "value": "<p>A quetzalcoatlus wing bone was uncovered.</p>"},
                  {"type": "fact_box", "value": {"title": "Pterosaurs", "body": "<p>Wingspan: 10 m</p>"}},
                  {"type": "internal_note", "value": "Xylophonic embargo until noon."}]},
        {"id": "s-draft", "title": "Second fossil site", "section": "world", "publish": False,
         "body": [{"type": "paragraph", "value": "<p>Another quetzalcoatlus skeleton.</p>"}]},
    )
    report = import_jsonl(path)
    assert len(report.imported) == 2 and report.errors == []
    search_backend.refresh_indexes()

    def live_titles(query):
        return [page.title for page in ArticlePage.objects.live().search(query)]

    assert live_titles("quetzalcoatlus") == ["Fossil find in the desert"]  # a word of the body
    assert live_titles("wingspan") == ["Fossil find in the desert"]  # inside a fact box
    assert live_titles("palaeontology") == ["Fossil find in the desert"]  # a tag
    assert live_titles("paleo") == ["Fossil find in the desert"]  # an author
    assert live_titles("xylophonic") == [], "internal notes are never indexed"
    # The draft is in the index too, but only as not live.
    assert sorted(page.title for page in ArticlePage.objects.search("quetzalcoatlus")) == [
        "Fossil find in the desert", "Second fossil site"]


def test_imported_rich_text_keeps_only_what_the_editor_allows(client, tmp_path, section):
    hostile = ('<p onclick="steal()">Council <b>approves</b> <a href="https://example.com">plan</a>'
               '<script>alert(1)</script><iframe src="https://evil.example"></iframe></p>')
    path = write_jsonl(tmp_path / "hostile.jsonl", {
        "id": "x-1", "title": "Council approves plan", "section": "world",
        "body": [{"type": "paragraph", "value": hostile},
                 {"type": "fact_box", "value": {"title": "Facts",
                                                "body": '<ul><li style="x">One<img src=x onerror=y></li></ul>'}}],
    })
    report = import_jsonl(path)
    assert report.errors == []
    article = ArticlePage.objects.get(external_id="x-1")
    stored = json.dumps(list(article.body.raw_data))
    for bad in ("onclick", "<script", "<iframe", "onerror", "style=", "<img"):
        assert bad not in stored, bad
    html = client.get(article.url).content.decode()
    assert "<b>approves</b>" in html and 'href="https://example.com"' in html and "One" in html
    assert "<script>alert(1)" not in html


def test_images_only_from_the_images_folder_and_flags_must_be_booleans(tmp_path, section):
    make_image(tmp_path / "outside.png")
    (tmp_path / "import").mkdir()
    path = write_jsonl(
        tmp_path / "import" / "a.jsonl",
        {"id": "p-1", "title": "A", "section": "world", "image": "../outside.png"},
        {"id": "p-2", "title": "B", "section": "world", "image": str(tmp_path / "outside.png")},
        {"id": "p-3", "title": "C", "section": "world", "breaking": "false"},
    )
    report = import_jsonl(path)
    assert [number for number, _ in report.errors] == [1, 2, 3]
    assert "inside the images folder" in report.errors[0][1] and "inside the images folder" in report.errors[1][1]
    assert "true or false" in report.errors[2][1]
    assert not ArticlePage.objects.filter(external_id__startswith="p-").exists()


def test_control_characters_are_dropped_and_a_tag_of_nothing_else_is_refused(tmp_path, section):
    base = {"section": "world", "authors": ["Elena Rossi"], "published_at": "2026-01-05T09:00:00Z"}
    path = write_jsonl(tmp_path / "ctl.jsonl",
                       {**base, "id": "ctl-1", "title": "Ferry\x0b services\x00 resume",
                        "standfirst": "After\x1b the storm.", "tags": ["transport\x0c", "weather"]},
                       {**base, "id": "ctl-2", "title": "Only a control tag", "tags": ["\x0b\x00"]})
    report = import_jsonl(path)
    assert [(number, "tags must be a list of non-empty strings" in message) for number, message in report.errors] \
        == [(2, True)]
    article = ArticlePage.objects.get(external_id="ctl-1")
    assert (article.title, article.standfirst) == ("Ferry services resume", "After the storm.")
    assert sorted(tag.name for tag in article.tags.all()) == ["transport", "weather"]


def test_hostile_records_are_each_reported_by_line_and_the_rest_import(tmp_path, section, settings):
    """What probing found aborting the whole import with a traceback, or accepted: each is now one
    error line, and the good records around them are imported."""
    base = {"section": "world", "authors": ["Elena Rossi"], "published_at": "2026-01-05T09:00:00Z"}
    bomb = tmp_path / "images" / "bomb.png"
    bomb.parent.mkdir(parents=True)
    PillowImage.new("1", (20000, 20000)).save(bomb, format="PNG")  # 400 Mpx in a few KB: a decompression bomb
    lines = [
        {**base, "id": "ok-1", "title": "First good record"},
        {**base, "id": "h-2", "title": "Image is a number", "image": 123},
        {**base, "id": "h-3", "title": "Emoji tag", "tags": ["🔥"]},
        {**base, "id": "h-4", "title": "Year one", "published_at": "0001-01-01T00:00:00+14:00"},
        {**base, "id": "h-5", "title": "Decompression bomb", "image": "images/bomb.png"},
        "[" * 5000 + "]" * 5000,
        '{"id": "h-7", "title": "Huge number", "section": "world", "authors": ["Elena Rossi"], '
        '"published_at": "2026-01-05T09:00:00Z", "breaking": ' + "9" * 4301 + "}",
        {**base, "id": "h-8", "title": "Centuries ahead", "published_at": "2999-01-01T00:00:00Z"},
        {**base, "id": "h-9", "title": "Title is a number", "standfirst": 5, "authors": "Elena Rossi"},
        {**base, "id": "ok-10", "title": "Last good record"},
    ]
    path = write_jsonl(tmp_path / "hostile.jsonl", *lines)
    report = import_jsonl(path, base_dir=tmp_path)
    imported = sorted(article.external_id for _, article in report.imported)
    assert imported == ["h-3", "ok-1", "ok-10"]  # an emoji tag is fine (it gets a usable slug)
    errors = dict(report.errors)
    assert sorted(errors) == [2, 4, 5, 6, 7, 8, 9], errors
    assert "image" in errors[2] and "published_at" in errors[4] and "image" in errors[5]
    assert "JSON" in errors[6] and "JSON" in errors[7] and "future" in errors[8]
