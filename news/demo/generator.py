"""A seeded, deterministic demo newsroom: sections, authors, tags, locally generated images and
articles with varied StreamField bodies, plus the unpublished states every surface must hide."""

import io
import random
import time
from datetime import timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from ..models import ArticlePage, Author, SectionPage
from ..publishing import create_article, unique_slug
from .vocabulary import (
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    ROLES,
    SECTIONS,
    SENTENCES,
    TOPICS,
    WEEKDAYS,
)

IMAGE_COUNT = 24
AUTHOR_COUNT = 14
PALETTES = [((14, 60, 110), (90, 160, 220)), ((120, 30, 30), (230, 120, 80)), ((20, 90, 60), (140, 210, 150)),
            ((60, 40, 100), (180, 140, 230)), ((90, 70, 20), (230, 200, 110)), ((30, 30, 30), (150, 150, 150))]


class DemoNewsroom:
    def __init__(self, home, seed=42, now=None, out=print):
        self.home = home
        self.random = random.Random(seed)
        self.now = now or timezone.now()
        self.out = out
        self.sections = {}

    # -- structure ---------------------------------------------------------------------------
    def ensure_sections(self):
        for title, intro, children in SECTIONS:
            section = self._section(self.home, title, intro)
            for child_title, child_intro in children:
                self._section(section, child_title, child_intro)
        return self.sections

    def _section(self, parent, title, intro):
        existing = SectionPage.objects.child_of(parent).filter(title=title).first()
        if existing is None:
            existing = SectionPage(title=title, slug=slugify(title), intro=intro)
            parent.add_child(instance=existing)
            existing.save_revision().publish()
        self.sections[title] = existing
        return existing

    def ensure_authors(self):
        if Author.objects.count() >= AUTHOR_COUNT:
            return list(Author.objects.all())
        names = set()
        while len(names) < AUTHOR_COUNT:
            names.add(f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}")
        authors = []
        for i, name in enumerate(sorted(names)):
            slug = slugify(name)
            author, _ = Author.objects.get_or_create(slug=slug, defaults={
                "name": name,
                "role": ROLES[i % len(ROLES)],
                "bio": f"<p>{name} has reported for Newsroom since {2012 + i % 10}, "
                       f"covering {ROLES[i % len(ROLES)].split()[0].lower()} stories at home and abroad.</p>",
                "website": f"https://example.com/{slug}",
                "x_url": f"https://x.com/{slug.replace('-', '')}",
            })
            authors.append(author)
        return authors

    def ensure_images(self):
        Image = get_image_model()
        images = list(Image.objects.filter(title__startswith="Demo image").order_by("pk"))
        for n in range(len(images), IMAGE_COUNT):
            images.append(self._make_image(Image, n))
        return images

    def _make_image(self, Image, n):
        """A 1200x675 picture drawn locally (no downloads): a gradient with a few shapes."""
        top, bottom = PALETTES[n % len(PALETTES)]
        picture = PILImage.new("RGB", (1200, 675))
        draw = ImageDraw.Draw(picture)
        for y in range(675):
            t = y / 674
            draw.line([(0, y), (1200, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
        for _ in range(6):
            x, y, r = self.random.randint(0, 1200), self.random.randint(0, 675), self.random.randint(40, 220)
            shade = tuple(min(255, c + 60) for c in bottom)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=shade, width=6)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=82)
        image = Image(title=f"Demo image {n + 1}", description=f"Abstract illustration number {n + 1}",
                      file=ImageFile(buffer, name=f"demo-{n + 1}.jpg"))
        image.save()
        return image

    # -- articles ----------------------------------------------------------------------------
    def article_fields(self, section_title, authors, images, age):
        subjects, actions, objects, tags = TOPICS.get(section_title, TOPICS["Politics"])
        subject, action, obj = (self.random.choice(subjects), self.random.choice(actions),
                                self.random.choice(objects))
        title = f"{subject} {action} {obj}"
        if self.random.random() < 0.5:
            title += f" {self.random.choice(PLACES)}"
        title = title[0].upper() + title[1:]
        words = dict(subject=subject, subject_lower=subject[0].lower() + subject[1:], action=action, object=obj,
                     weekday=self.random.choice(WEEKDAYS), year=self.random.randint(1990, 2020),
                     tag=self.random.choice(tags).replace("-", " "))
        article_tags = self.random.sample(tags, k=self.random.randint(1, 3))
        return dict(
            title=title,
            standfirst=self._sentence(words, 0) + " " + self._sentence(words),
            body=self._body(words, images),
            authors=self.random.sample(authors, k=1 if self.random.random() < 0.8 else 2),
            tags=article_tags,
            lead_image=self.random.choice(images),
            lead_image_caption=f"{subject} {action} {obj}.",
            lead_image_credit=self.random.choice(["Newsroom staff", "Agency photo", "Handout"]),
            breaking=age < timedelta(days=2) and self.random.random() < 0.3,
            published_date=self.now - age,
        )

    def _sentence(self, words, index=None):
        template = SENTENCES[index] if index is not None else self.random.choice(SENTENCES[1:])
        return template.format(**words)

    def _paragraph(self, words):
        return "<p>" + " ".join(self._sentence(words) for _ in range(self.random.randint(2, 4))) + "</p>"

    def _body(self, words, images):
        blocks = [{"type": "paragraph", "value": f"<p>{self._sentence(words, 0)}</p>" + self._paragraph(words)}]
        extras = ["heading", "pull_quote", "image", "fact_box", "block_quote", "table", "related_links", "embed",
                  "internal_note"]
        for kind in self.random.sample(extras, k=self.random.randint(2, 5)):
            blocks.append(self._block(kind, words, images))
            blocks.append({"type": "paragraph", "value": self._paragraph(words)})
        return blocks

    def _block(self, kind, words, images):
        r = self.random
        if kind == "heading":
            return {"type": "heading", "value": {"text": r.choice(["What happens next", "The background",
                                                                    "Reaction", "Why it matters"]), "level": "h2"}}
        if kind == "pull_quote":
            return {"type": "pull_quote", "value": {"quote": f"This changes everything for {words['object']}.",
                                                     "attribution": words["subject"]}}
        if kind == "image":
            return {"type": "image", "value": {"image": r.choice(images).pk, "alt_text": "",
                                                "caption": f"Scene as {words['subject_lower']} {words['action']} "
                                                           f"{words['object']}.", "credit": "Newsroom staff"}}
        if kind == "fact_box":
            return {"type": "fact_box", "value": {"title": "Key facts", "body":
                    f"<ul><li>{words['subject']} first raised the issue in {words['year']}.</li>"
                    f"<li>The plan covers {r.randint(2, 40)} regions.</li>"
                    f"<li>Cost: {r.randint(1, 90)} million.</li></ul>"}}
        if kind == "block_quote":
            return {"type": "block_quote", "value": {"quote": "The evidence we have seen points clearly in one "
                                                              "direction, and we should follow it.",
                                                     "source": "Committee report", "source_url": ""}}
        if kind == "table":
            return {"type": "table", "value": {"first_row_is_table_header": True, "first_col_is_header": False,
                                                "table_caption": "Figures at a glance",
                                                "data": [["Year", "Value"], *[[str(2020 + i), str(r.randint(10, 99))]
                                                                              for i in range(4)]]}}
        if kind == "related_links":
            return {"type": "related_links", "value": {"heading": "Read more", "links": [
                {"page": None, "url": "https://example.com/background", "title": "Background briefing"}]}}
        if kind == "embed":
            # A URL no embed provider knows: the block shows a plain link, with no network call.
            return {"type": "embed", "value": f"https://example.com/video/{r.randint(1000, 9999)}"}
        return {"type": "internal_note", "value": "Legal has cleared the quotes. Check figures before updating."}

    def random_age(self):
        return timedelta(minutes=self.random.randint(30, 365 * 24 * 60))

    def generate(self, count):
        """Create `count` published articles spread over the last 12 months, newest last."""
        self.ensure_sections()
        authors, images = self.ensure_authors(), self.ensure_images()
        leaf_sections = [s for title, s in self.sections.items() if title != "World"]
        taken = {s.pk: set(s.get_children().values_list("slug", flat=True)) for s in leaf_sections}
        ages = sorted((self.random_age() for _ in range(count)), reverse=True)
        started = time.monotonic()
        batch = 50
        for first in range(0, count, batch):
            # One transaction per batch: far fewer disk syncs than one per save, and an interrupted
            # run leaves whole batches behind.
            with transaction.atomic():
                for i in range(first, min(first + batch, count)):
                    section = leaf_sections[i % len(leaf_sections)]
                    fields = self.article_fields(section.title, authors, images, ages[i])
                    create_article(section, slug=unique_slug(section, fields["title"], taken[section.pk]), **fields)
            done = min(first + batch, count)
            self.out(f"  {done}/{count} articles ({done / (time.monotonic() - started):.0f}/s)")
        return count, time.monotonic() - started

    def generate_unpublished_states(self, changed=None):
        """The states no public surface may show, for tests and for editors to explore. `changed` is
        the external id of a live article to give unpublished changes (the written collection's
        Northwind Bank appointment); without it a short article is made for the purpose."""
        authors, images = self.ensure_authors(), self.ensure_images()
        politics, business, health, tech = (self.sections[t] for t in ("Politics", "Business", "Health", "Tech"))
        draft_fields = dict(authors=authors[:1], lead_image=images[0], tags=["budget"])
        for title in ["Draft: minister's resignation letter leaked", "Draft: council tax rise confirmed",
                      "Draft: new stadium plans under review"]:
            create_article(politics, title=title, standfirst="An unpublished draft.", publish=False, **draft_fields)

        if changed:
            changed = ArticlePage.objects.get(external_id=changed)
        else:
            changed = create_article(business, title="Northwind Bank names new chief executive",
                                     standfirst="The bank's board chose an insider.", **draft_fields)
        changed.title = "Northwind Bank chief executive resigns after one week"
        changed.standfirst = "Unpublished correction waiting for approval."
        changed.save_revision()  # live version unchanged; the draft waits

        scheduled = create_article(tech, title="Embargoed: Orbis satellite launch date revealed",
                                   standfirst="Under embargo until next week.", publish=False, **draft_fields)
        scheduled.go_live_at = self.now + timedelta(days=7)
        scheduled.save_revision().publish()  # with a future go_live_at this schedules, it does not publish

        expired = create_article(health, title="Flu clinic opening hours for the holiday weekend",
                                 standfirst="Only valid for the holiday weekend.", **draft_fields)
        expired.expire_at = self.now - timedelta(days=1)
        expired.save_revision().publish()
        expired.refresh_from_db()
        expired.unpublish(set_expired=True)

        private = create_article(politics, title="Private: newsroom style guide for election night",
                                 standfirst="For staff only.", **draft_fields)
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD,
                                           password="newsroom")


def demo_is_loaded():
    return ArticlePage.objects.exists()
