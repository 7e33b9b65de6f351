"""WordPress categories → sections under the home page, nested as the categories were.

A mapping file sends a category (by its slug) to an existing section instead, e.g. to merge "Politics"
into "news/politics"; its sub-categories then nest under that section. Sections are found by slug
on later runs, so a re-run creates none twice.

    mapping.json   {"politics": "news/politics", "uncategorized": "news"}
    mapping.csv    politics,news/politics        (one category a line; a header line is allowed)
"""

import csv
import html
import json
from pathlib import Path
from urllib.parse import unquote

from django.urls import Resolver404, resolve
from django.utils.text import slugify

from news.importer import RecordError, find_section
from news.models import SectionPage

DEFAULT_CATEGORY = "uncategorized"  # WordPress files a post with no category here


class MappingError(ValueError):
    pass


def read_mapping(path):
    """{category slug: section path} from a .json or .csv file; every section must exist."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise MappingError(f'{path} must be an object of category slug → section path, e.g. {{"politics": "news"}}')
    else:
        mapping = {}
        for number, row in enumerate(csv.reader(text.splitlines()), start=1):
            if not row or not row[0].strip() or (number == 1 and row[0].strip().lower() in ("category", "slug")):
                continue
            if len(row) < 2 or not row[1].strip():
                raise MappingError(f"{path}, line {number}: expected 'category slug,section path'")
            mapping[row[0].strip()] = row[1].strip()
    problems = []
    sections = {}
    for slug, target in mapping.items():
        try:
            sections[slug.strip()] = find_section(target)
        except RecordError as exc:
            problems.append(f"{slug!r} → {target!r}: {exc}")
    if problems:
        raise MappingError("the mapping names sections that do not exist: " + "; ".join(problems))
    return sections


def answers_elsewhere(path):
    """True when Newsroom serves `path` with something other than its pages (/search/, /feed/ …):
    a section there could never be reached."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name not in (None, "wagtail_serve", "section_feed")


class Sections:
    def __init__(self, home, categories, mapping=None):
        self.home = home
        self.categories = categories  # slug -> wxr.Category
        self.found = dict(mapping or {})  # slug -> SectionPage
        self.created = []  # (category slug, section) made by this run

    def for_category(self, slug, chain=()):
        """The section for a category slug, created (with its parents) when new."""
        if slug in self.found:
            return self.found[slug]
        category = self.categories.get(slug)
        name = html.unescape(category.name) if category else slug.replace("-", " ").title()
        parent_slug = category.parent if category else ""
        if parent_slug and parent_slug not in chain and (parent_slug in self.categories or parent_slug in self.found):
            parent = self.for_category(parent_slug, chain + (slug,))
        else:  # top level (or a parent the export does not have, or a loop)
            parent = self.home
        section, created = self._child(parent, slug, name)
        self.found[slug] = section
        if created:
            self.created.append((slug, section))
        return section

    def forget_since(self, mark):
        """The post that made these sections failed, and its savepoint took them away."""
        for slug, _section in self.created[mark:]:
            self.found.pop(slug, None)
        del self.created[mark:]

    def _child(self, parent, slug, name):
        base = slugify(unquote(slug)) or slugify(name) or "section"
        children = SectionPage.objects.child_of(parent)
        section = children.filter(slug=base).first()
        if section is not None:
            return section, False
        slug = base
        if parent.depth == self.home.depth and answers_elsewhere(f"/{slug}/"):
            slug = f"{base}-news"
        section = children.filter(slug=slug).first()
        if section is None:
            n = 2
            while parent.get_children().filter(slug=slug).exists():  # an article or page of that name
                slug, n = f"{base}-{n}", n + 1
            section = SectionPage(title=name[:255] or slug, slug=slug)
            parent.add_child(instance=section)
            section.save_revision().publish()
            section.refresh_from_db()
            return section, True
        return section, False

    def for_post(self, category_slugs, primary_term_id=""):
        """(section, the other categories): a post lives in one section — Yoast's primary category
        when it named one, else the first — and its other categories become tags."""
        slugs = list(dict.fromkeys(category_slugs)) or [DEFAULT_CATEGORY]
        if primary_term_id:
            for slug in slugs:
                category = self.categories.get(slug)
                if category and category.term_id == primary_term_id:
                    slugs.remove(slug)
                    slugs.insert(0, slug)
                    break
        return self.for_category(slugs[0]), slugs[1:]
