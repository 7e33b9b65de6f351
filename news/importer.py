"""Import articles from JSON Lines, one article per line, so a newsroom can bring its archive.

Each record is validated on its own: an invalid one is reported with its line number and skipped,
valid ones are imported, and a record whose `id` was imported before is left alone, so re-running
an import never duplicates. The format is documented in docs/editors.md ("Importing an archive").
"""

import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.blocks import RichTextBlock, StructBlock
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.rich_text import features

from .blocks import ArticleBodyBlock
from .models import ArticlePage, Author, SectionPage
from .publishing import author_by_name, create_article
from .text import publishable

REQUIRED = ("id", "title", "section")
KNOWN = {"id", "title", "standfirst", "body", "section", "authors", "tags", "published_at", "updated_at",
         "image", "image_caption", "image_credit", "breaking", "publish"}
MAX_LINE_BYTES = 5 * 1024 * 1024
EARLIEST_YEAR = 1800  # older "dates" are mistakes (0001-01-01 placeholders)


class RecordError(ValueError):
    pass


@dataclass
class ImportReport:
    imported: list = field(default_factory=list)
    skipped_existing: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line number, message)

    def summary(self):
        return (f"{len(self.imported)} imported, {len(self.skipped_existing)} already imported, "
                f"{len(self.errors)} invalid")


def home_page():
    """The default site's home page, where the section tree starts (None before `migrate`)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.specific if site else None


def find_section(path):
    """'world/europe' → the Europe section under World (matched by slug, then by title)."""
    parent = home_page()
    if parent is None:
        raise RecordError("the site has no home page: run `manage.py migrate` first")
    section = None
    for part in [p for p in str(path).strip("/").split("/") if p]:
        children = SectionPage.objects.child_of(parent)
        section = children.filter(slug=part).first() or children.filter(title__iexact=part).first()
        if section is None:
            raise RecordError(f"section {path!r} does not exist (no {part!r} under {parent.title!r})")
        parent = section
    if section is None:
        raise RecordError("section is empty")
    return section


def parse_date(value, name):
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, e.g. 2024-02-30
        parsed = None
    if parsed is None:
        raise RecordError(f"{name} {value!r} is not an ISO 8601 date-time (e.g. 2024-05-01T09:30:00Z)")
    if parsed.tzinfo is None:
        raise RecordError(f"{name} {value!r} has no time zone (add Z or +01:00)")
    try:
        parsed = parsed.astimezone(UTC)  # 0001-01-01T00:00:00+14:00 is before the year 1 in UTC
    except OverflowError as exc:
        raise RecordError(f"{name} {value!r} is out of range") from exc
    # An archive's dates are in the past; the importer publishes at once, so a date ahead would show
    # readers a story from the future (a day of slack for clocks and time zones).
    if parsed.year < EARLIEST_YEAR:
        raise RecordError(f"{name} {value!r} is before {EARLIEST_YEAR}")
    if parsed > timezone.now() + timedelta(days=1):
        raise RecordError(f"{name} {value!r} is in the future")
    return parsed


def clean_body(value):
    if value in (None, "", []):  # an empty body is allowed (blank=True); the block alone would refuse []
        return []
    if not isinstance(value, list) or not all(isinstance(b, dict) and "type" in b for b in value):
        raise RecordError('body must be a list of blocks like {"type": "paragraph", "value": "<p>…</p>"}')
    block = ArticleBodyBlock()
    unknown = sorted({b["type"] for b in value} - set(block.child_blocks))
    if unknown:
        raise RecordError(f"unknown body block type(s): {', '.join(unknown)}")
    try:
        value = [dict(item, value=sanitize(block.child_blocks[item["type"]], item.get("value"))) for item in value]
        stream = block.to_python(value)
        # Store the cleaned value, as the admin does: form fields coerce a number given for text.
        return block.get_prep_value(block.clean(stream))
    except ValidationError as exc:
        raise RecordError(f"invalid body: {'; '.join(exc.messages)}") from exc
    except (TypeError, ValueError, AttributeError, LookupError) as exc:
        # A value of the wrong shape, e.g. a string where a block expects an object.
        raise RecordError(f"invalid body: a block value has the wrong shape ({exc})") from exc


def sanitize(block, value):
    """Pass rich text through Wagtail's own whitelister, which keeps only the tags and attributes of
    the features the block allows: a <script>, an event handler or a javascript: link in an import
    file never reaches readers. (The Draftail round trip is stricter but fails on some malformed
    HTML; the whitelister is BeautifulSoup-based and copes with anything.)"""
    if isinstance(block, RichTextBlock) and isinstance(value, str):
        return EditorHTMLConverter(block.features or features.get_default_features()).to_database_format(value)
    if isinstance(block, StructBlock) and isinstance(value, dict):
        return {name: sanitize(block.child_blocks[name], v) if name in block.child_blocks else v
                for name, v in value.items()}
    return value


def load_image(path, base_dir, title):
    if not path:
        return None
    if not isinstance(path, str):
        raise RecordError("image must be a file path (a string)")
    file_path = (base_dir / path).resolve()
    # Images come from the import folder only: an import file must not read arbitrary server files.
    if Path(path).is_absolute() or not file_path.is_relative_to(base_dir.resolve()):
        raise RecordError(f"image {path!r} must be a relative path inside the images folder")
    if not file_path.is_file():
        raise RecordError(f"image {path!r} not found")
    check_image_size(file_path, path)
    Image = get_image_model()
    with open(file_path, "rb") as handle:
        try:
            image = Image(title=title[:255], file=ImageFile(handle, name=file_path.name))
        except OSError as exc:  # includes Willow's UnrecognisedImageFormatError
            raise RecordError(f"image {path!r} cannot be read as an image: {exc}") from exc
        image.save()
    return image


def check_image_size(file_path, path):
    """Refuse a decompression bomb (a few KB that decode to gigapixels) before anything decodes it:
    the limit the admin's upload form applies (WAGTAILIMAGES_MAX_IMAGE_PIXELS), from the header."""
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file_path) as picture:
                width, height = picture.size
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        width, height = limit, 2  # over the limit by Pillow's own reckoning
    except (OSError, ValueError):
        return  # not an image Pillow knows: the image model says so below
    if width * height > limit:
        raise RecordError(f"image {path!r} is too large ({width} × {height} pixels; at most {limit:,})")


def string_list(record, name, max_length):
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RecordError(f"{name} must be a list of non-empty strings")
    value = [publishable(v).strip() for v in value]
    if not all(value):
        raise RecordError(f"{name} must be a list of non-empty strings")
    if any(len(v) > max_length for v in value):
        raise RecordError(f"{name} must be at most {max_length} characters each")
    return value


def import_record(record, base_dir, lead_image=None):
    """Validate and import one record. `lead_image` (an Image) is used when the record names none:
    the demo newsroom draws its pictures instead of shipping files."""
    if not isinstance(record, dict):
        raise RecordError("each line must be a JSON object")
    missing = [name for name in REQUIRED if not record.get(name)]
    if missing:
        raise RecordError(f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(record) - KNOWN)
    if unknown:
        raise RecordError(f"unknown field(s): {', '.join(unknown)}")
    external_id = str(record["id"])
    if len(external_id) > 200:
        raise RecordError("id is longer than 200 characters")
    # Control characters have no place in news copy and no way into a feed: dropped here (the
    # model drops them on save too, news.text).
    title = publishable(str(record["title"])).strip()
    if not title or len(title) > 255:
        raise RecordError("title must be 1-255 characters")
    standfirst = publishable(str(record.get("standfirst") or ""))
    if len(standfirst) > 400:
        raise RecordError("standfirst is longer than 400 characters")

    section = find_section(record["section"])
    body = clean_body(record.get("body"))
    author_names = string_list(record, "authors", Author._meta.get_field("name").max_length)
    tags = string_list(record, "tags", Tag._meta.get_field("name").max_length)
    published_at = parse_date(record.get("published_at"), "published_at")
    updated_at = parse_date(record.get("updated_at"), "updated_at")
    publish, breaking = record.get("publish", True), record.get("breaking", False)
    if not isinstance(publish, bool) or not isinstance(breaking, bool):
        raise RecordError("publish and breaking must be true or false")

    # Everything checked: now write, all or nothing for this record.
    image = None
    try:
        with transaction.atomic():
            image = load_image(record.get("image"), base_dir, title)
            return create_article(
                section,
                title=title,
                standfirst=standfirst,
                body=body,
                authors=[author_by_name(name) for name in author_names],
                tags=tags,
                published_date=published_at,
                updated_date=updated_at,
                lead_image=image or lead_image,
                lead_image_caption=str(record.get("image_caption") or "")[:300],
                lead_image_credit=str(record.get("image_credit") or "")[:120],
                breaking=breaking,
                external_id=external_id,
                publish=publish,
            )
    except (DatabaseError, ValidationError) as exc:
        # The rows are rolled back, the image file already in storage is not.
        if image is not None:
            image.file.delete(save=False)
        raise RecordError(f"could not be saved: {exc}".strip()) from exc


def import_jsonl(path, base_dir=None):
    path = Path(path)
    base_dir = Path(base_dir) if base_dir else path.parent
    report = ImportReport()
    seen_ids = set()
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                if len(raw) > MAX_LINE_BYTES:
                    raise RecordError(f"line is larger than {MAX_LINE_BYTES // 1024 // 1024} MB")
                try:
                    record = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise RecordError(f"not valid JSON: {exc}") from exc
                except RecursionError as exc:  # [[[[…]]]] thousands deep
                    raise RecordError("not valid JSON: nested too deeply") from exc
                except ValueError as exc:  # an integer of more than 4,300 digits (int_max_str_digits)
                    raise RecordError(f"not valid JSON: {exc}") from exc
                external_id = str(record.get("id", "")) if isinstance(record, dict) else ""
                if external_id and (external_id in seen_ids
                                    or ArticlePage.objects.filter(external_id=external_id).exists()):
                    report.skipped_existing.append((number, external_id))
                    continue
                article = import_record(record, base_dir)
                seen_ids.add(external_id)
                report.imported.append((number, article))
            except RecordError as exc:
                report.errors.append((number, str(exc)))
    return report
