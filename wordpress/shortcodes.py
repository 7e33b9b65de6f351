"""WordPress shortcodes: [caption], [gallery] and [embed] become markup the body converter knows
(wordpress.body); any other shortcode is removed with the text it wraps kept, and counted by name
so the summary can say which plugins the old site relied on.

Only what WordPress itself would have treated as a shortcode is touched: a known name, or one with
attributes (key="value") or a closing tag. "[sic]", "[1]" or "[Updated 5pm]" stay as they are
(WordPress leaves brackets it has no shortcode for alone too), and [[caption]] is the escaped
literal "[caption]".
"""

import html
import re

HANDLED = {"caption", "wp_caption", "gallery", "embed"}
# Names WordPress or very common plugins register, recognised even without attributes.
KNOWN = HANDLED | {"audio", "video", "playlist", "contact-form-7", "contact-form", "gravityform", "vc_row",
                   "vc_column", "vc_column_text", "et_pb_section", "et_pb_text", "su_box", "tweet", "youtube",
                   "instagram", "googlemaps", "ad", "adsense", "toc", "table", "fusion_text", "wpforms"}

_OPEN = re.compile(r"\[(?P<escaped>\[?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:\s[^\[\]]*?)?)(?P<self>/)?\](?P<end>\]?)")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_IMG = re.compile(r"<img\b[^>]*>", re.I)


def attributes(text):
    return {m.group(1).lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
            for m in _ATTR.finditer(text or "")}


def expand(text, seen):
    """`text` with its shortcodes replaced; `seen` (a Counter) counts each shortcode by name."""
    out, position = [], 0
    while True:
        match = _OPEN.search(text, position)
        if match is None:
            out.append(text[position:])
            return "".join(out)
        name, attrs = match.group("name"), match.group("attrs")
        closing = f"[/{name}]"
        end = -1 if match.group("self") else text.find(closing, match.end())
        enclosing = end != -1
        if not (name.lower() in KNOWN or enclosing or "=" in attrs):
            out.append(text[position:match.end()])  # plain text in brackets
            position = match.end()
            continue
        out.append(text[position:match.start()])
        if match.group("escaped"):
            # [[name]] (or [[name]…[/name]]) is how WordPress writes a literal shortcode.
            if match.group("end"):
                out.append(text[match.start() + 1:match.end() - 1])
                position = match.end()
                continue
            if enclosing and text[end + len(closing):end + len(closing) + 1] == "]":
                out.append(text[match.start() + 1:end + len(closing)])
                position = end + len(closing) + 1
                continue
            out.append("[")
        stop = end + len(closing) if enclosing else match.end()
        inner = text[match.end():end] if enclosing else ""
        seen[name.lower()] += 1
        out.append(_replacement(name.lower(), attributes(attrs), inner, seen))
        position = stop


def _replacement(name, attrs, inner, seen):
    if name in ("caption", "wp_caption"):
        return _caption(attrs, inner)
    if name == "gallery":
        ids = attrs.get("ids") or attrs.get("include") or ""
        ids = ",".join(part.strip() for part in ids.split(",") if part.strip().isdigit())
        return f'<figure data-wp-gallery="{html.escape(ids)}"></figure>'
    if name == "embed":
        url = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        return f'<figure data-wp-embed="{html.escape(url)}"></figure>' if url else ""
    # Unknown: what it wraps is the post's own text (shortcodes may nest).
    return expand(inner, seen)


def _caption(attrs, inner):
    image = _IMG.search(inner)
    # The caption is the attribute (WordPress before 3.4) or the text after the image.
    caption = attrs.get("caption") or re.sub(r"<a\b[^>]*>\s*</a>", "", _IMG.sub("", inner)).strip()
    attachment = attrs.get("id", "").removeprefix("attachment_")
    attachment_attr = f' data-wp-attachment="{html.escape(attachment)}"' if attachment.isdigit() else ""
    return (f"<figure{attachment_attr}>{image.group(0) if image else ''}"
            f"<figcaption>{caption}</figcaption></figure>")
