"""A post's content (Gutenberg block markup or classic HTML) → the article body's blocks
(news.blocks), as the JSON Lines importer takes them: [{"type": "paragraph", "value": "<p>…</p>"}, …].

Gutenberg's block delimiters are HTML comments around ordinary HTML (<!-- wp:quote --><blockquote…>),
so both kinds of post are read the same way, by their HTML: paragraphs and lists gather into
paragraph blocks; headings, images (with captions), galleries (one image block each), quotes, pull
quotes, embeds and tables get their own blocks. Block types with no counterpart here are counted by
name for the summary and their text kept as paragraphs; nothing with text is dropped. Classic posts
get WordPress's paragraphs first (wpautop: a blank line starts a paragraph).

The result is not trusted yet: news.importer.clean_body sanitises and validates it, as for any import.
Malformed HTML is read the way browsers read it (html.parser closes what was left open and ignores
stray end tags).
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from . import shortcodes

_BLOCK = re.compile(r"<!--\s+wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)(?=\s)")
MAPPED_BLOCKS = {f"core/{name}" for name in (
    "paragraph heading list list-item image gallery quote pullquote embed table html freeform shortcode "
    "separator spacer more nextpage columns column group row stack cover media-text buttons button "
    "preformatted code verse").split()}

INLINE = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
          "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "u", "var", "wbr",
          "label", "acronym", "big", "tt"}
# Dropped with everything inside: scripts and styles (sanitising), form controls, and media this
# importer does not bring over (counted in the summary).
DROPPED = {"script", "style", "noscript", "template", "form", "input", "button", "select", "textarea",
           "object", "embed", "svg", "canvas", "link", "meta", "head", "title", "hr"}
NOT_IMPORTED_MEDIA = {"video", "audio"}
MEDIA = {"img", "iframe", "figure", "table", "blockquote", "video", "audio", "h1", "h2", "h3", "h4", "h5", "h6"}
# Providers WordPress embeds a bare URL of (oEmbed): such a URL alone on a line becomes an embed.
EMBED_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "instagram.com", "facebook.com",
               "soundcloud.com", "spotify.com", "flickr.com", "tiktok.com", "dailymotion.com", "ted.com",
               "reddit.com", "mixcloud.com", "slideshare.net", "scribd.com", "tumblr.com", "imgur.com")
BLOCK_LEVEL = ("table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
               "blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
               "footer|nav|figure|figcaption|details|menu|summary|iframe|script|video|audio")
_OPENS_BLOCK = re.compile(rf"(<(?:{BLOCK_LEVEL})[\s/>])", re.I)
_CLOSES_BLOCK = re.compile(rf"(</(?:{BLOCK_LEVEL})>)", re.I)
_STARTS_BLOCK = re.compile(rf"</?(?:{BLOCK_LEVEL})[\s/>]", re.I)
_SPACE = re.compile(r"\s+")
_is_url = URLValidator(schemes=["http", "https"])

HEADING_MAX, PULL_QUOTE_MAX, CAPTION_MAX, ALT_MAX, ATTRIBUTION_MAX, SOURCE_MAX = 120, 300, 300, 250, 120, 200


@dataclass
class Notes:
    """What a conversion met that the summary reports."""

    shortcodes: Counter = field(default_factory=Counter)
    blocks_without_home: Counter = field(default_factory=Counter)
    media_not_imported: Counter = field(default_factory=Counter)  # video, audio, iframe hosts …
    warnings: list = field(default_factory=list)


def is_gutenberg(content):
    return bool(_BLOCK.search(content or ""))


def autop(text):
    """WordPress's wpautop, simplified: a blank line ends a paragraph, a single newline is a line
    break, and block-level HTML is left as it is."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CLOSES_BLOCK.sub(r"\1\n\n", _OPENS_BLOCK.sub(r"\n\n\1", text))
    chunks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if chunk:
            chunks.append(chunk if _STARTS_BLOCK.match(chunk) else "<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(chunks)


def convert(content, image_for, attached_ids=(), notes=None):
    """Body blocks for `content`. `image_for(attachment_id, src, alt)` gives (Image, alt text), or None
    for an image that cannot be had (it records why); `attached_ids` are the post's own attachments,
    which a [gallery] without ids shows."""
    notes = notes if notes is not None else Notes()
    content = content or ""
    for name in _BLOCK.findall(content):
        name = name if "/" in name else f"core/{name}"
        if name not in MAPPED_BLOCKS and not name.startswith("core-embed/"):
            notes.blocks_without_home[name] += 1
    gutenberg = is_gutenberg(content)
    content = shortcodes.expand(content, notes.shortcodes)
    if not gutenberg:  # WordPress adds paragraphs to classic posts only
        content = autop(content)
    soup = BeautifulSoup(content, "html.parser")
    for element in [tag for tag in tags_below(soup) if tag.name in DROPPED]:
        element.decompose()  # with their contents: a script's text is no story
    walker = _Walker(image_for, list(attached_ids), notes)
    walker.visit_children(soup)
    return walker.finish()


def tags_below(node):
    """The tags inside `node`, in document order: what node.find_all() walks, without the matcher
    BeautifulSoup builds afresh on every call (which was most of the time spent reading a body)."""
    return (child for child in node.descendants if isinstance(child, Tag))


def has_tag(node, names):
    """node.find(names) is not None"""
    return any(tag.name in names for tag in tags_below(node))


def clip(text, limit, what, notes):
    if len(text) <= limit:
        return text
    notes.warnings.append(f"{what} longer than {limit} characters, shortened")
    return text[:limit - 1].rstrip() + "…"


def plain(node):
    return _SPACE.sub(" ", node.get_text(" ")).strip() if node is not None else ""


def embed_url(src):
    """An iframe's player address → the page address oEmbed providers know."""
    parts = urlsplit(src if not src.startswith("//") else "https:" + src)
    host = (parts.hostname or "").removeprefix("www.")
    if host in ("youtube.com", "youtube-nocookie.com") and parts.path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={parts.path.split('/')[2]}"
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.split('/')[2]}"
    return parts.geturl()


def provider_url(text):
    """`text` if it is a bare URL of a provider WordPress would embed, else ""."""
    text = text.strip()
    if " " in text or not text.startswith(("http://", "https://")):
        return ""
    host = (urlsplit(text).hostname or "").lower()
    return text if any(host == h or host.endswith("." + h) for h in EMBED_HOSTS) else ""


class _Walker:
    def __init__(self, image_for, attached_ids, notes):
        self.image_for, self.attached_ids, self.notes = image_for, attached_ids, notes
        self.blocks = []  # finished blocks
        self.rich = []  # whole paragraphs and lists, waiting to become one paragraph block
        self.inline, self.inline_has_text = [], False  # the paragraph being read

    # -- output ------------------------------------------------------------------------------------
    def finish(self):
        self.end_paragraph()
        self.flush_rich()
        return self.blocks

    def add(self, block_type, value):
        self.end_paragraph()
        self.flush_rich()
        self.blocks.append({"type": block_type, "value": value})

    def end_paragraph(self):
        if self.inline_has_text:
            self.rich.append(f"<p>{''.join(self.inline).strip()}</p>")
        self.inline, self.inline_has_text = [], False

    def flush_rich(self):
        if self.rich:
            self.blocks.append({"type": "paragraph", "value": "".join(self.rich)})
            self.rich = []

    def add_inline(self, markup, has_text):
        if has_text or self.inline:
            self.inline.append(markup)
            self.inline_has_text |= has_text

    # -- reading -----------------------------------------------------------------------------------
    def visit_children(self, node):
        for child in list(node.children):
            self.visit(child)

    def visit(self, node):
        if isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction):
            return
        if isinstance(node, NavigableString):
            self.add_inline(html.escape(str(node), quote=False), bool(str(node).strip()))
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        if name in DROPPED:
            return
        if name in NOT_IMPORTED_MEDIA:
            self.notes.media_not_imported[name] += 1
            return
        handler = getattr(self, f"tag_{name}", None)
        if handler is None and re.fullmatch(r"h[1-6]", name):
            handler = self.heading
        if handler is not None:
            handler(node)
        elif name in INLINE:
            if has_tag(node, MEDIA):  # e.g. <a href="big.jpg"><img …></a>: the picture is the content
                self.visit_children(node)
            else:
                self.add_inline(str(node), bool(node.get_text().strip()) or name == "br" and bool(self.inline))
        else:  # div, section, li, dd …: a container whose children are read in turn
            self.end_paragraph()
            self.visit_children(node)
            self.end_paragraph()

    def tag_p(self, node):
        self.end_paragraph()
        inside = {tag.name for tag in tags_below(node)}
        url = provider_url(plain(node)) if inside <= {"a", "br"} else ""
        if url:
            self.embed(url)
        elif not inside.isdisjoint(MEDIA):
            self.visit_children(node)  # pictures inside a paragraph split it
        else:
            self.add_inline(node.decode_contents(), bool(node.get_text().strip()))
        self.end_paragraph()

    def tag_ul(self, node):
        self.end_paragraph()
        if has_tag(node, MEDIA):  # an old gallery: <ul><li><figure><img …
            self.visit_children(node)
        elif node.get_text().strip():
            self.rich.append(str(node))

    tag_ol = tag_ul

    def tag_pre(self, node):
        self.end_paragraph()
        lines = [html.escape(line) for line in node.get_text().strip("\n").split("\n")]
        if any(line.strip() for line in lines):
            self.rich.append("<p>" + "<br/>".join(lines) + "</p>")

    def heading(self, node):
        text = plain(node)
        if not text:
            return
        if len(text) > HEADING_MAX:  # too long for a heading block: kept, as bold text
            self.end_paragraph()
            self.rich.append(f"<p><b>{html.escape(text)}</b></p>")
            return
        self.add("heading", {"text": text, "level": "h2" if node.name.lower() in ("h1", "h2") else "h3"})

    def tag_img(self, node, caption="", attachment=""):
        attachment = attachment or node.get("data-id") or ""
        for css_class in node.get("class") or []:
            if css_class.startswith("wp-image-"):
                attachment = attachment or css_class.removeprefix("wp-image-")
        found = self.image_for(attachment.strip() or None, (node.get("src") or "").strip(),
                               (node.get("alt") or "").strip())
        if found is None:
            return
        image_id, alt = found
        self.add("image", {"image": image_id, "alt_text": clip(alt, ALT_MAX, "alt text", self.notes),
                           "caption": clip(caption, CAPTION_MAX, "caption", self.notes), "credit": ""})

    def tag_figure(self, node):
        classes = set(node.get("class") or [])
        if node.has_attr("data-wp-gallery"):
            ids = [i for i in node["data-wp-gallery"].split(",") if i] or self.attached_ids
            for attachment in ids:
                self.tag_img(Tag(name="img"), attachment=attachment)
        elif node.has_attr("data-wp-embed"):
            self.embed(node["data-wp-embed"])
        elif any(c.startswith("wp-block-embed") for c in classes):
            wrapper = node.find(class_="wp-block-embed__wrapper") or node
            self.embed(plain(wrapper).split(" ")[0])
        elif "wp-block-pullquote" in classes:
            self.pull_quote(node)
        elif node.find("table"):
            self.tag_table(node.find("table"), caption=plain(node.find("figcaption")))
        elif len(node.find_all("img")) == 1 and not node.find("figure"):
            self.tag_img(node.find("img"), caption=plain(node.find("figcaption")),
                         attachment=node.get("data-wp-attachment", ""))
        else:  # a gallery (figures in a figure), or a figure of something else: read its parts
            self.end_paragraph()
            self.visit_children(node)
            self.end_paragraph()

    def tag_blockquote(self, node):
        classes = set(node.get("class") or [])
        if "twitter-tweet" in classes:
            links = [a["href"] for a in node.find_all("a", href=True) if "/status/" in a["href"]]
            if links:
                self.embed(links[-1].split("?")[0])
                return
        if "instagram-media" in classes and node.get("data-instgrm-permalink"):
            self.embed(node["data-instgrm-permalink"].split("?")[0])
            return
        if "wp-block-pullquote" in classes or "pullquote" in classes:
            self.pull_quote(node)
            return
        source, text = self.quote_parts(node)
        if text:
            self.add("block_quote", {"quote": text, "source": clip(source, SOURCE_MAX, "quote source", self.notes),
                                     "source_url": ""})

    def quote_parts(self, node):
        cite = node.find("cite")
        source = plain(cite)
        if cite is not None:
            cite.extract()
        paragraphs = [plain(p) for p in node.find_all(["p", "li"])] or [plain(node)]
        return source, "\n\n".join(p for p in paragraphs if p)

    def pull_quote(self, node):
        source, text = self.quote_parts(node)
        if not text:
            return
        if len(text) > PULL_QUOTE_MAX:  # too long to display large: an ordinary quotation
            self.add("block_quote", {"quote": text, "source": clip(source, SOURCE_MAX, "quote source", self.notes),
                                     "source_url": ""})
        else:
            self.add("pull_quote", {"quote": text,
                                    "attribution": clip(source, ATTRIBUTION_MAX, "attribution", self.notes)})

    def tag_iframe(self, node):
        src = (node.get("src") or "").strip()
        if src:
            self.embed(embed_url(src))

    def embed(self, url):
        url = html.unescape(url or "").strip()
        try:
            _is_url(url)
        except ValidationError:
            if url:  # not an address an embed can have: kept as text
                self.end_paragraph()
                self.rich.append(f"<p>{html.escape(url)}</p>")
            return
        self.add("embed", url)

    def tag_table(self, node, caption=""):
        rows = []
        for row in node.find_all("tr"):
            cells = [plain(cell) for cell in row.find_all(["td", "th"], recursive=False)]
            if any(cells):
                rows.append(cells)
        if not rows:
            return
        width = max(len(row) for row in rows)
        first = node.find("tr")
        header = node.find("thead") is not None or all(c.name == "th" for c in first.find_all(["td", "th"]))
        self.add("table", {"data": [row + [""] * (width - len(row)) for row in rows],
                           "first_row_is_table_header": header, "first_col_is_header": False,
                           "table_caption": caption or plain(node.find("caption"))})

    def tag_li(self, node):  # a list item outside a list (broken HTML): a paragraph
        if has_tag(node, MEDIA):
            self.end_paragraph()
            self.visit_children(node)
            self.end_paragraph()
        else:
            self.tag_p(node)

    def tag_figcaption(self, node):  # a caption of something not imported (a video): its text stays
        self.tag_p(node)

