"""Reading a WordPress export (WXR 1.0-1.2, what Tools → Export writes): the site, its authors,
categories and tags, then its items one at a time.

A WXR is untrusted input: defusedxml refuses entity declarations (no "billion laughs", no external
entities reading server files). The file is streamed, so a large archive is never held in memory
whole. Characters XML 1.0 cannot carry (control characters pasted from word processors, which
WordPress exports as they are) are dropped before parsing instead of failing the whole file.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import timezone

# WXR 1.0, 1.1 and 1.2 differ in the wp: namespace's version number only.
WP_NS = "http://wordpress.org/export/"
NAMESPACES = {"http://purl.org/rss/1.0/modules/content/": "content", "http://purl.org/dc/elements/1.1/": "dc"}
_INVALID_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class WXRError(ValueError):
    """The file as a whole cannot be read (not XML, not a WordPress export)."""


@dataclass
class Category:
    slug: str
    name: str
    parent: str = ""  # the parent's slug
    term_id: str = ""


@dataclass
class Site:
    base_site_url: str = ""
    base_blog_url: str = ""
    link: str = ""
    wxr_version: str = ""
    authors: dict = field(default_factory=dict)  # login -> display name
    author_ids: dict = field(default_factory=dict)  # login -> WordPress user id
    categories: dict = field(default_factory=dict)  # slug -> Category
    tags: dict = field(default_factory=dict)  # slug -> name

    @property
    def blog_url(self):
        return self.base_blog_url or self.link or self.base_site_url


@dataclass
class ItemComment:
    """A wp:comment of an item, as exported."""
    comment_id: str
    state: str  # approved / pending / spam / trash / other (COMMENT_STATES)
    parent: str = ""  # the comment_id it answers; "" or "0" for none
    kind: str = ""  # wp:comment_type: "" or "comment" for readers', "pingback"/"trackback" for other sites'
    author: str = ""
    email: str = ""
    date_gmt: str = ""
    date: str = ""
    content: str = ""


@dataclass
class Item:
    post_id: str
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    slug: str = ""
    date: str = ""
    date_gmt: str = ""
    creator: str = ""
    parent: str = ""
    menu_order: int = 0
    attachment_url: str = ""
    password: str = ""  # a password-protected post's
    terms: list = field(default_factory=list)  # (domain, slug, name): categories, tags, custom taxonomies
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)  # ItemComment, in the export's order

    def terms_of(self, domain):
        return [(slug, name) for d, slug, name in self.terms if d == domain]


def _name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if namespace.startswith(WP_NS):
        return f"{'excerpt' if namespace.rstrip('/').endswith('excerpt') else 'wp'}:{local}"
    return f"{NAMESPACES.get(namespace, namespace)}:{local}"


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def dates(gmt, local):
    """The two dates WordPress writes for one moment (wp:post_date_gmt and wp:post_date, or a
    comment's), in the order to trust them: (the value, an aware datetime or None when the value is
    not a date). The local one is in the site's time zone (TIME_ZONE); empty and zero dates
    (0000-00-00 00:00:00: a draft's, none) are left out."""
    for value, zone in ((gmt, UTC), (local, timezone.get_default_timezone())):
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            yield value, None
            continue
        yield value, parsed.replace(tzinfo=UTC) if zone is UTC else timezone.make_aware(parsed, zone)


COMMENT_STATES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}


def _item(element):
    children = {}
    item = Item(post_id="", post_type="", status="")
    for child in element:
        name = _name(child.tag)
        if name == "category":
            item.terms.append((child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip()))
        elif name == "wp:postmeta":
            values = {_name(c.tag): c.text or "" for c in child}
            item.meta[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
        elif name == "wp:comment":
            values = {_name(c.tag): c.text or "" for c in child}
            item.comments.append(ItemComment(
                comment_id=values.get("wp:comment_id", "").strip(),
                state=COMMENT_STATES.get(values.get("wp:comment_approved", "").strip(), "other"),
                parent=values.get("wp:comment_parent", "").strip(),
                kind=values.get("wp:comment_type", "").strip(),
                author=values.get("wp:comment_author", "").strip(),
                email=values.get("wp:comment_author_email", "").strip(),
                date_gmt=values.get("wp:comment_date_gmt", "").strip(),
                date=values.get("wp:comment_date", "").strip(),
                content=values.get("wp:comment_content", ""),
            ))
        else:
            children.setdefault(name, child)

    def text(name, strip=True):
        child = children.get(name)
        if child is None:
            return ""
        return _text(child) if strip else child.text or ""

    item.post_id = text("wp:post_id")
    item.post_type = text("wp:post_type") or "post"
    item.status = text("wp:status")
    item.title = text("title")
    item.link = text("link")
    item.guid = text("guid")
    item.content = text("content:encoded", strip=False)
    item.excerpt = text("excerpt:encoded")
    item.slug = text("wp:post_name")
    item.date = text("wp:post_date")
    item.date_gmt = text("wp:post_date_gmt")
    item.creator = text("dc:creator")
    item.parent = text("wp:post_parent")
    item.attachment_url = text("wp:attachment_url")
    item.password = text("wp:post_password", strip=False)
    try:
        item.menu_order = int(text("wp:menu_order") or 0)
    except ValueError:
        item.menu_order = 0
    return item


def _channel_element(site, element):
    name = _name(element.tag)
    values = {_name(child.tag): _text(child) for child in element}
    if name == "wp:author":
        login = values.get("wp:author_login", "")
        if login:
            site.authors[login] = values.get("wp:author_display_name") or login
            site.author_ids[login] = values.get("wp:author_id", "")
    elif name == "wp:category":
        slug = values.get("wp:category_nicename", "")
        if slug:
            site.categories[slug] = Category(slug=slug, name=values.get("wp:cat_name") or slug,
                                             parent=values.get("wp:category_parent", ""),
                                             term_id=values.get("wp:term_id", ""))
    elif name == "wp:tag":
        slug = values.get("wp:tag_slug", "")
        if slug:
            site.tags[slug] = values.get("wp:tag_name") or slug
    elif name == "link":
        site.link = _text(element)
    elif name in ("wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
        setattr(site, name.removeprefix("wp:"), _text(element))


class _ValidXMLBytes:
    """A binary file without the bytes XML 1.0 forbids (none of them occurs inside a UTF-8 sequence)."""

    def __init__(self, handle):
        self.handle = handle

    def read(self, size=-1):
        while True:
            data = self.handle.read(size)
            cleaned = _INVALID_XML_BYTES.sub(b"", data)
            if cleaned or not data:  # b"" only at the end of the file, never for a chunk of nothing else
                return cleaned


def read(path, site=None):
    """Yield the items of the export at `path`, filling `site` (a Site) as its channel is read."""
    site = site if site is not None else Site()
    depth, channel = 0, None
    with open(path, "rb") as handle:
        try:
            for event, element in iterparse(_ValidXMLBytes(handle), events=("start", "end"), forbid_dtd=False):
                if event == "start":
                    depth += 1
                    if depth == 2 and element.tag == "channel":
                        channel = element
                    continue
                depth -= 1
                if depth != 2 or channel is None:
                    continue
                # A child of the channel: an item, or the site's own details before the items.
                if element.tag == "item":
                    yield _item(element)
                else:
                    _channel_element(site, element)
                channel.remove(element)  # what has been read need not stay in memory
        except ParseError as exc:
            line, column = exc.position
            raise WXRError(f"not well-formed XML at line {line}, column {column}: {exc}") from exc
        except DefusedXmlException as exc:
            raise WXRError(f"refused: the file declares XML entities or external references ({exc})") from exc
    if not site.wxr_version and not site.base_site_url:
        raise WXRError("not a WordPress export: no wp:wxr_version or wp:base_site_url in its channel")
