"""Importing a WordPress export: posts → articles, with their sections, tags, authors, pictures and
old addresses (`manage.py import_wordpress`, docs/wordpress.md).

It works as the JSON Lines importer does (news.importer): each post is checked on its own, a bad one
is reported with its WordPress id (wp:post_id) and skipped, and everything goes through the same
cleaning (news.importer.clean_body) and the same way of creating articles (news.publishing). Each
post is remembered by its external id, "wordpress:<site>:<post id>", so a re-run updates what changed
in WordPress (a new revision) and leaves the rest alone.

The file is read twice, streamed: first for its attachments (a post may name a picture listed after
it), then for its posts.
"""

import hashlib
import html
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import PageViewRestriction, Site
from wagtail.search import index

from comments.signals import purge_article_page
from news.importer import RecordError, clean_body, home_page
from news.models import ArticleAuthor, ArticlePage, Author
from news.publishing import author_by_name, create_article, unique_slug
from news.text import publishable

from . import body, wxr
from .bulk import NewArticle, index_new_images, publish_new_articles
from .comments import CommentImporter
from .images import Uploads, attachment_from
from .models import ImportedPost
from .redirects import Redirects
from .sections import Sections
from .shortcodes import HANDLED

BATCH = 100  # posts per transaction, and new live articles written together (wordpress.bulk)
EARLIEST_YEAR = 1800
STANDFIRST_MAX = ArticlePage._meta.get_field("standfirst").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
AUTHOR_MAX = Author._meta.get_field("name").max_length
# What becomes of each WordPress status.
STATES = {"publish": "live", "draft": "draft", "pending": "draft", "future": "scheduled", "private": "private"}
NOT_IMPORTED_STATUSES = {"trash": "in the trash", "auto-draft": "auto-drafts", "inherit": "revisions"}
# Bumped when the same post would now be imported differently: every post is updated once.
CONVERSION_VERSION = 1


class PostError(ValueError):
    pass


@dataclass
class Outcome:
    """What became of one post, recorded once its savepoint has committed."""

    kind: str  # created / updated / unchanged
    state: str
    date: datetime | None  # the post's (post_date)
    page_id: int | None  # None until a new live article is written with its batch
    external_id: str
    fingerprint: str
    visible: bool
    tags: list
    authors: list
    warnings: list
    missing: list
    notes: body.Notes
    new: NewArticle | None = None  # a new live article, for wordpress.bulk
    create_alone: object = None  # how to create it through Wagtail if its batch cannot be written


@dataclass
class Report:
    posts: int = 0
    created: list = field(default_factory=list)  # WordPress post ids
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    by_state: Counter = field(default_factory=Counter)  # live / draft / scheduled / private, of the above
    not_imported: Counter = field(default_factory=Counter)  # why -> how many
    errors: list = field(default_factory=list)  # (post id, message): reported and skipped
    missing_images: list = field(default_factory=list)  # (post id, file or address, why)
    warnings: list = field(default_factory=list)  # (post id, message): imported, but said
    notes: body.Notes = field(default_factory=body.Notes)
    comments: list = field(default_factory=list)  # lines: what came of the posts' comments
    sections_created: list = field(default_factory=list)
    redirects: Counter = field(default_factory=Counter)
    redirect_problems: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self):
        done = len(self.created) + len(self.updated) + len(self.unchanged)
        return done / self.seconds if self.seconds else 0.0

    def summary_lines(self):
        states = ", ".join(f"{n} {state}" for state, n in sorted(self.by_state.items()))
        lines = [
            f"{self.posts} posts: {len(self.created)} imported, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} skipped as invalid"
            f" ({self.rate:.0f} posts/s)" + (f"; imported and updated: {states}" if states else ""),
        ]
        if self.not_imported:
            lines.append("Not imported: " + ", ".join(f"{n} {why}" for why, n in sorted(self.not_imported.items())))
        if self.sections_created:
            lines.append(f"Sections created: {', '.join(s.title for s in self.sections_created)}")
        lines.append(f"Images missing: {len(self.missing_images)}")
        if self.notes.shortcodes:
            handled = [f"{name} ×{n}" for name, n in sorted(self.notes.shortcodes.items()) if name in HANDLED]
            removed = [f"{name} ×{n}" for name, n in sorted(self.notes.shortcodes.items()) if name not in HANDLED]
            lines.append("Shortcodes: " + "; ".join(
                part for part in (f"converted {', '.join(handled)}" if handled else "",
                                  f"removed, their text kept: {', '.join(removed)}" if removed else "") if part))
        if self.notes.blocks_without_home:
            lines.append("Blocks with no Newsroom counterpart (their text kept as paragraphs): " + ", ".join(
                f"{name} ×{n}" for name, n in sorted(self.notes.blocks_without_home.items())))
        if self.notes.media_not_imported:
            lines.append("Not imported from post bodies: " + ", ".join(
                f"{name} ×{n}" for name, n in sorted(self.notes.media_not_imported.items())))
        lines += self.comments
        lines.append("Redirects: " + (", ".join(f"{n} {what}" for what, n in sorted(self.redirects.items())) or "none"))
        return lines



def source_of(site):
    """The old site, as external ids and image records name it: host and path, no scheme."""
    parts = urlsplit(site.base_site_url or site.blog_url)
    return ((parts.hostname or "").lower() + parts.path.rstrip("/"))[:150] or "wordpress"


def external_id(source, post_id):
    return f"wordpress:{source}:{post_id}"


def text_of(value):
    """Plain text from a WordPress title or excerpt (which may hold entities and tags)."""
    return publishable(re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", value or "")))).strip()


def post_date(item):
    """The post's date: wp:post_date_gmt, else wp:post_date in the site's time zone (TIME_ZONE).
    None when WordPress has none (drafts: 0000-00-00 00:00:00)."""
    for value, when in wxr.dates(item.date_gmt, item.date):
        if when is None:
            raise PostError(f"date {value!r} is not a date (YYYY-MM-DD HH:MM:SS)")
        if when.year < EARLIEST_YEAR:
            raise PostError(f"date {value!r} is before {EARLIEST_YEAR}")
        return when
    return None


def fingerprint(data):
    data = dict(data, version=CONVERSION_VERSION)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def path_of(url):
    return urlsplit(url or "").path


class WordPressImport:
    def __init__(self, path, uploads_dir, mapping=None, out=None):
        self.path, self.uploads_dir, self.mapping = path, uploads_dir, mapping or {}
        self.out = out or (lambda line: None)
        self.report = Report()
        self.site = wxr.Site()

    # -- the run -------------------------------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        attachments, attached, total = self._read_attachments()
        home = home_page()
        if home is None:
            raise wxr.WXRError("the site has no home page: run `manage.py migrate` first")
        self.source = source_of(self.site)
        self.wagtail_site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        self.sections = Sections(home, self.site.categories, self.mapping)
        self.uploads = Uploads(self.uploads_dir, self.source, attachments)
        self.attachments, self.attached = attachments, attached
        self.redirects = Redirects(self.wagtail_site)
        self.comments = CommentImporter(self.source)
        self.imported_before = set()  # ids of articles an earlier run made, whose pages may be cached
        prefix = external_id(self.source, "")
        self.existing = dict(ArticlePage.objects.filter(external_id__startswith=prefix)
                             .values_list("external_id", "pk"))
        self.fingerprints = dict(ImportedPost.objects.filter(page_id__in=self.existing.values())
                                 .values_list("page_id", "fingerprint"))
        self.slugs_taken = {}  # section id -> slugs of its children (news.publishing.unique_slug)
        self.authors, self.visible_tags, self.visible_authors = {}, set(), set()
        self.tag_cache, self.seen = {}, set()  # tags by name (wordpress.bulk); post ids imported this run
        self.done = 0

        batch = []
        for item in wxr.read(self.path):
            if item.post_type != "post":
                if item.post_type != "attachment":
                    self.report.not_imported[f"{item.post_type or 'untyped'} items (not posts)"] += 1
                continue
            batch.append(item)
            if len(batch) == BATCH:
                self._import_batch(batch, total, started)
                batch = []
        self._import_batch(batch, total, started)
        with transaction.atomic():
            self._archive_redirects()
            self.report.redirects.update(self.redirects.apply())
        self.report.redirect_problems = self.redirects.problems
        self.report.sections_created = [section for _, section in self.sections.created]
        self.report.comments = self.comments.summary()
        self.report.seconds = time.monotonic() - started
        return self.report

    def _read_attachments(self):
        attachments, attached, total = {}, defaultdict(list), 0
        for item in wxr.read(self.path, self.site):
            if item.post_type == "attachment":
                attachment = attachment_from(item)
                attachments[item.post_id] = attachment
                if item.parent and item.parent != "0":
                    attached[item.parent].append(attachment)
            elif item.post_type == "post":
                total += 1
        # A [gallery] with no ids shows the post's attachments in their menu order.
        def order(attachment):
            return attachment.menu_order, int(attachment.post_id) if attachment.post_id.isdigit() else 0

        attached = {parent: [a.post_id for a in sorted(items, key=order)] for parent, items in attached.items()}
        return attachments, attached, total

    def _import_batch(self, items, total, started):
        if not items:
            return
        with transaction.atomic():
            # Nearly every post goes through, so the batch is first tried under one savepoint; only
            # if a post fails is it tried again with a savepoint a post (two more queries each, which
            # were a third of all queries), so that just the post at fault is left out.
            before = self._before_batch(items)
            try:
                with transaction.atomic():
                    done = self._import_posts(items, alone=False)
            except (PostError, RecordError, DatabaseError, ValidationError):
                self._back_to(before)
                done = self._import_posts(items, alone=True)
            new = []  # outcomes of new live articles, written together at the end of the batch
            for item, outcome in done:
                if outcome.new is not None:
                    new.append((item, outcome))
                else:
                    self._record(item, outcome)
            self._write_new(new)
            shown = self.comments.write() & self.imported_before
            # Written without signals (wordpress/comments.py): purge the pages readers may have cached.
            for page in ArticlePage.objects.filter(pk__in=shown):
                purge_article_page(page)
            self.uploads.record_created()
            index_new_images([image for _, image in self.uploads.created])
        self.uploads.created.clear()  # committed: the files stay with their images
        self.done += len(items)
        self.out(progress_line(self.done, total, time.monotonic() - started))

    def _import_posts(self, items, alone):
        """(item, outcome) for the posts imported; with `alone`, each under its own savepoint, a
        failing one reported and left out."""
        done = []
        for item in items:
            self.report.posts += 1
            if alone:
                marks = len(self.uploads.created), len(self.sections.created)
                try:
                    with transaction.atomic():  # a savepoint: a failing post leaves nothing behind
                        outcome = self._import_post(item)
                except (PostError, RecordError) as exc:
                    self._failed(item, str(exc), marks)
                    continue
                except (DatabaseError, ValidationError) as exc:
                    self._failed(item, f"could not be saved: {exc}".strip(), marks)
                    continue
            else:
                outcome = self._import_post(item)
            if outcome is not None:
                self.seen.add(item.post_id)  # a second copy later in the export is refused
                done.append((item, outcome))
        return done

    def _before_batch(self, items):
        """What a batch's first try changes in memory (its rows go with its savepoint)."""
        report = self.report
        return (report.posts, Counter(report.not_imported),
                {item.post_id for item in items} - self.seen, len(self.uploads.created), len(self.sections.created))

    def _back_to(self, before):
        posts, not_imported, unseen, uploads_mark, sections_mark = before
        self.report.posts, self.report.not_imported = posts, not_imported
        self.seen -= unseen
        self.uploads.forget_since(uploads_mark)
        self.sections.forget_since(sections_mark)
        self.authors.clear()
        self.slugs_taken.clear()

    def _write_new(self, new):
        if not new:
            return
        try:
            with transaction.atomic():
                pages = publish_new_articles([outcome.new for _, outcome in new], self.tag_cache)
                ImportedPost.objects.bulk_create([ImportedPost(page_id=page.pk, fingerprint=outcome.fingerprint)
                                                  for page, (_, outcome) in zip(pages, new, strict=True)])
                visible = set(ArticlePage.objects.filter(pk__in=[p.pk for p in pages]).visible(exact=True)
                              .values_list("pk", flat=True))
        except (DatabaseError, ValidationError):
            # Something in the batch cannot be written: each through Wagtail on its own, so only
            # the post at fault is reported.
            self.tag_cache.clear()
            for item, outcome in new:
                try:
                    with transaction.atomic():
                        page = outcome.create_alone()
                        ImportedPost.objects.create(page=page, fingerprint=outcome.fingerprint)
                        outcome.page_id = page.pk
                        outcome.visible = ArticlePage.objects.filter(pk=page.pk).visible(exact=True).exists()
                except (DatabaseError, ValidationError) as exc:
                    self.report.errors.append((item.post_id, f"could not be saved: {exc}".strip()))
                else:
                    self._record(item, outcome)
            return
        for page, (item, outcome) in zip(pages, new, strict=True):
            outcome.page_id, outcome.visible = page.pk, page.pk in visible
            self._record(item, outcome)

    def _failed(self, item, message, marks):
        """Report the post; forget what this run remembered of the rows its savepoint rolled back."""
        self.report.errors.append((item.post_id or "(no id)", message))
        self.uploads.forget_since(marks[0])
        self.sections.forget_since(marks[1])
        self.authors.clear()
        self.slugs_taken.clear()

    def _record(self, item, outcome):
        report = self.report
        self.seen.add(item.post_id)
        getattr(report, outcome.kind).append(item.post_id)
        if outcome.kind != "unchanged":
            report.by_state[outcome.state] += 1
        self.existing[outcome.external_id] = outcome.page_id
        self.fingerprints[outcome.page_id] = outcome.fingerprint
        report.warnings.extend((item.post_id, w) for w in outcome.warnings + outcome.notes.warnings)
        report.missing_images.extend((item.post_id, what, why) for what, why in outcome.missing)
        merge_notes(report.notes, outcome.notes)
        if outcome.visible:
            self._post_redirects(item, outcome.page_id, outcome.tags, outcome.authors)
        if outcome.kind != "created":
            self.imported_before.add(outcome.page_id)
        self.comments.add(outcome.page_id, outcome.date, item.comments)

    # -- one post ------------------------------------------------------------------------------------
    def _import_post(self, item):
        if not item.post_id.isdigit():
            raise PostError("no wp:post_id")
        if item.post_id in self.seen:
            raise PostError("the export has this post twice: the first one was imported")
        if item.status in NOT_IMPORTED_STATUSES:
            self.report.not_imported[f"posts {NOT_IMPORTED_STATUSES[item.status]}"] += 1
            return None
        state = STATES.get(item.status)
        if state is None:
            raise PostError(f"unknown status {item.status!r}")
        title = text_of(item.title)
        if not title:
            raise PostError("no title")
        if len(title) > 255:
            raise PostError("title longer than 255 characters")
        date = post_date(item)
        if date is None and state != "draft":
            raise PostError(f"a {item.status} post needs a date (wp:post_date_gmt or wp:post_date)")
        if state == "scheduled" and date <= timezone.now():
            state = "live"  # its time has come (WordPress calls this a missed schedule)
        if item.password and state == "live":
            state = "password"  # readers must give the post's password, as on the old site

        warnings, missing, notes = [], [], body.Notes()
        section, other_categories = self.sections.for_post(
            [slug for slug, _ in item.terms_of("category")], item.meta.get("_yoast_wpseo_primary_category", ""))
        tags = self._tags(item, other_categories, warnings)
        authors = self._authors(item)
        standfirst = text_of(item.excerpt)
        if len(standfirst) > STANDFIRST_MAX:
            warnings.append(f"excerpt longer than {STANDFIRST_MAX} characters, shortened for the standfirst")
            standfirst = standfirst[:STANDFIRST_MAX - 1].rsplit(" ", 1)[0] + "…"

        def image_for(attachment_id, src, alt):
            return self.uploads.image_for(attachment_id, src, alt, missing)

        blocks = body.convert(item.content, image_for, self.attached.get(item.post_id, ()), notes)
        lead_image_id, lead_caption = None, ""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail:
            found = image_for(thumbnail, "", "")
            if found:
                lead_image_id = found[0]
                lead_caption = body.clip(self.attachments[thumbnail].caption, 300, "featured image caption", notes)

        fields = {"standfirst": standfirst, "lead_image_id": lead_image_id, "lead_image_caption": lead_caption}
        print_ = fingerprint({"title": title, "section": section.pk, "tags": tags, "authors": authors,
                              "date": date, "state": state, "blocks": blocks, **fields})
        ext_id = external_id(self.source, item.post_id)
        page_id = self.existing.get(ext_id)
        outcome = Outcome(kind="unchanged", state=state, date=date, page_id=page_id, external_id=ext_id,
                          fingerprint=print_, visible=False, tags=tags, authors=authors, warnings=warnings,
                          missing=missing, notes=notes)
        if page_id is not None and self.fingerprints.get(page_id) == print_:
            pass
        elif page_id is None:
            outcome.kind = "created"
            fields["body"] = clean_body(blocks)
            author_objects = [self._author(name) for name in authors]
            slug = self._slug(section, item, title)

            def create_alone():
                return self._create(section, slug, title, state, date, tags, author_objects, ext_id, fields,
                                    item.password)

            if state == "live":  # written with its batch (wordpress.bulk)
                page = ArticlePage(title=title, slug=slug, published_date=date, external_id=ext_id, **fields)
                outcome.new, outcome.create_alone = NewArticle(section, page, author_objects, tags), create_alone
                return outcome
            outcome.page_id = create_alone().pk
            ImportedPost.objects.create(page_id=outcome.page_id, fingerprint=print_)
        else:
            outcome.kind = "updated"
            fields["body"] = clean_body(blocks)
            self._update(page_id, title, date, tags, [self._author(name) for name in authors], fields)
            ImportedPost.objects.update_or_create(page_id=page_id, defaults={"fingerprint": print_})
        # Old addresses lead only to what readers may see (the one rule, core.visibility).
        outcome.visible = ArticlePage.objects.filter(pk=outcome.page_id).visible(exact=True).exists()
        return outcome

    def _tags(self, item, other_categories, warnings):
        names = [name for _, name in item.terms_of("post_tag")]
        names += [self.site.categories[slug].name if slug in self.site.categories else slug
                  for slug in other_categories]
        tags = []
        for name in names:
            name = text_of(name)
            if len(name) > TAG_MAX:
                warnings.append(f"tag {name[:40]!r}… longer than {TAG_MAX} characters, left out")
            elif name and name.lower() not in {t.lower() for t in tags}:
                tags.append(name)
        return tags

    def _authors(self, item):
        login = item.creator
        if not login:
            return []
        name = text_of(self.site.authors.get(login) or login)[:AUTHOR_MAX]
        return [name] if name else []

    def _author(self, name):
        if name not in self.authors:
            self.authors[name] = author_by_name(name)
        return self.authors[name]

    def _slug(self, section, item, title):
        if section.pk not in self.slugs_taken:
            self.slugs_taken[section.pk] = set(section.get_children().values_list("slug", flat=True))
        return unique_slug(section, unquote(item.slug) or title, self.slugs_taken[section.pk])

    def _create(self, section, slug, title, state, date, tags, authors, ext_id, fields, password=""):
        common = dict(title=title, slug=slug, authors=authors, tags=tags, published_date=date, external_id=ext_id,
                      **fields)
        if state == "live":
            return create_article(section, publish=True, **common)
        if state == "draft":
            return create_article(section, publish=False, **common)
        if state == "scheduled":  # Wagtail publishes it at go_live_at (manage.py run_scheduler)
            article = create_article(section, publish=False, go_live_at=date, **common)
            article.get_latest_revision().publish()
            return article
        # private (readers must sign in) or password-protected: restricted before it is published,
        # so it is never public.
        article = create_article(section, publish=False, **common)
        if state == "password":
            PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD,
                                               password=password[:255])
        else:
            PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
        article.get_latest_revision().publish()
        ArticlePage.objects.filter(pk=article.pk).update(first_published_at=date, last_published_at=date)
        article.refresh_from_db()
        index.insert_or_update_object(article)  # .update() sends no signal (as news.publishing does)
        return article

    def _update(self, page_id, title, date, tags, authors, fields):
        """A new revision with WordPress's content, published only if the article is live: what
        editors did with its state in Newsroom stands."""
        article = ArticlePage.objects.get(pk=page_id)
        article.title = title
        if date is not None:
            article.published_date = date
        for name, value in fields.items():
            setattr(article, name, value)
        article.tags.set(tags)
        article.article_authors = [ArticleAuthor(author=author, sort_order=i) for i, author in enumerate(authors)]
        revision = article.save_revision()
        if article.live:
            revision.publish()
        return article

    # -- old addresses -------------------------------------------------------------------------------
    def _post_redirects(self, item, page_id, tags, authors):
        base = path_of(self.site.blog_url).rstrip("/")
        for address in (item.link, item.guid, f"{base}/?p={item.post_id}"):
            self.redirects.add(address, page_id=page_id)
        # Attachment pages: the picture's own page on the old site, now the story it belongs to.
        for attachment_id in self.attached.get(item.post_id, ()):
            self.redirects.add(self.attachments[attachment_id].link, page_id=page_id)
            self.redirects.add(f"{base}/?attachment_id={attachment_id}", page_id=page_id)
        self.visible_tags.update(tags)
        self.visible_authors.update((item.creator, name) for name in authors)

    def _archive_redirects(self):
        """Category, tag and author archives and the feeds, for what readers may now see."""
        base = path_of(self.site.blog_url).rstrip("/")
        add = self.redirects.add
        feed = reverse("site_feed")
        for suffix in ("/feed/", "/feed/rss2/", "/feed/atom/", "/feed/rdf/", "/feed/rss/", "/?feed=rss2",
                       "/?feed=atom"):
            add(base + suffix, link=feed)
        for slug, section in self.sections.found.items():
            if not type(section).objects.filter(pk=section.pk).visible(exact=True).exists():
                continue
            chain, category = [slug], self.site.categories.get(slug)
            while category and category.parent and category.parent not in chain:
                chain.insert(0, category.parent)
                category = self.site.categories.get(category.parent)
            for path in dict.fromkeys(("/".join(chain), slug)):
                add(f"{base}/category/{path}/", page_id=section.pk)
                add(f"{base}/category/{path}/feed/", link=section.url + "feed/")
            if slug in self.site.categories and self.site.categories[slug].term_id:
                add(f"{base}/?cat={self.site.categories[slug].term_id}", page_id=section.pk)
        tag_slugs = dict(Tag.objects.filter(name__in=self.visible_tags).values_list("name", "slug"))
        for wp_slug, name in self.site.tags.items():
            name = text_of(name)
            if name in tag_slugs:
                link = reverse("tag", kwargs={"slug": tag_slugs[name]})
                for address in (f"{base}/tag/{wp_slug}/", f"{base}/tag/{wp_slug}/feed/", f"{base}/?tag={wp_slug}"):
                    add(address, link=link)
        author_slugs = dict(Author.objects.filter(name__in={n for _, n in self.visible_authors})
                            .values_list("name", "slug"))
        for login, name in self.visible_authors:
            if name in author_slugs:
                link = reverse("author", kwargs={"slug": author_slugs[name]})
                add(f"{base}/author/{slugify(login)}/", link=link)
                if self.site.author_ids.get(login):
                    add(f"{base}/?author={self.site.author_ids[login]}", link=link)


def merge_notes(total, notes):
    total.shortcodes.update(notes.shortcodes)
    total.blocks_without_home.update(notes.blocks_without_home)
    total.media_not_imported.update(notes.media_not_imported)


def progress_line(done, total, seconds, width=30):
    """'  [#########.....................]  75/250 posts (62/s)'"""
    filled = round(width * done / total) if total else width
    return (f"  [{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total} posts "
            f"({done / max(seconds, 0.001):.0f}/s)")


def import_wordpress(path, uploads_dir, mapping=None, out=None):
    return WordPressImport(path, uploads_dir, mapping, out).run()
