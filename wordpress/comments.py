"""WordPress comments → Newsroom comments (comments.Comment), written in bulk once per batch of posts.

- Approved, pending and spam keep their state: approved ones are shown, pending ones wait in the
  moderation queue, spam stays out of sight until the retention purge deletes it. Trashed comments,
  pingbacks and trackbacks (other sites' notices, not readers') are counted and left out.
- Newsroom has one level of replies: a reply to a reply answers the thread's first comment. A reply
  whose thread was left out (trashed) becomes a comment of its own.
- The text becomes plain text (Newsroom escapes comments and links their addresses when it shows
  them): paragraphs and line breaks kept, a link's address kept beside its words.
- Written with bulk_create, so no comment signal runs: importing ten years of comments mails no
  author and purges no page per comment; the importer purges the pages of articles it had imported
  before (new ones were never cached).
- A re-run finds each comment again by its WordPress id (ImportedComment) and leaves it as it is, so
  what moderators did since the first run stands.
"""

import html
import re
from collections import Counter

from bs4 import BeautifulSoup
from django.utils import timezone

from comments.models import Comment, email_digest, normalise_email
from news.text import publishable

from .models import ImportedComment
from .wxr import dates

STATES = {"approved": Comment.Status.APPROVED, "pending": Comment.Status.PENDING, "spam": Comment.Status.SPAM}
HELD_BECAUSE = {"pending": "imported from WordPress, where it awaited moderation",
                "spam": "imported from WordPress, where it was marked spam"}
NOT_READERS = {"pingback", "trackback"}
NAME_MAX = Comment._meta.get_field("name").max_length
TEXT_MAX = Comment._meta.get_field("text").max_length
WP_ID_MAX = ImportedComment._meta.get_field("wp_id").max_length
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def plain_text(content):
    """A comment's HTML (WordPress keeps what the commenter typed, with its tags) as plain text."""
    soup = BeautifulSoup(content or "", "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for link in soup.find_all("a"):
        href, words = (link.get("href") or "").strip(), link.get_text().strip()
        link.replace_with(f"{words} ({href})" if href.startswith(("http://", "https://")) and href != words else words)
    for paragraph in soup.find_all("p"):
        paragraph.insert_after("\n\n")
    text = publishable(html.unescape(soup.get_text()))
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
    return text[:TEXT_MAX]


def comment_date(comment, fallback):
    """wp:comment_date_gmt, else wp:comment_date in the site's time zone, else the post's date (a
    comment's date that is not one is passed over, not a reason to leave the comment out)."""
    when = next((when for _, when in dates(comment.date_gmt, comment.date) if when is not None), None)
    return when or fallback or timezone.now()


class CommentImporter:
    def __init__(self, source):
        self.source = source
        self.pending = []  # (article id, the post's date, [ItemComment])
        self.imported = Counter()  # state -> comments written
        self.left_out = Counter()  # why -> comments not written
        self.already = 0  # found again on a re-run

    def add(self, article_id, post_date, item_comments):
        if item_comments:
            self.pending.append((article_id, post_date, item_comments))

    def write(self):
        """Write the comments added since the last call; return the ids of articles that got a comment
        readers can see."""
        pending, self.pending = self.pending, []
        wanted = {c.comment_id for _, _, comments in pending for c in comments if c.comment_id}
        known = set(ImportedComment.objects.filter(source=self.source, wp_id__in=wanted)
                    .values_list("wp_id", flat=True))
        tops, replies = [], []  # (wp id, Comment, the wp id of its thread's first comment or None)
        shown = set()
        for article_id, post_date, comments in pending:
            by_id = {c.comment_id: c for c in comments if c.comment_id}
            for comment in comments:
                if comment.kind in NOT_READERS:
                    self.left_out[f"{comment.kind}s"] += 1
                    continue
                if comment.state not in STATES:
                    self.left_out["trashed" if comment.state == "trash" else "in another state"] += 1
                    continue
                if not comment.comment_id.isdigit() or len(comment.comment_id) > WP_ID_MAX:
                    self.left_out["without an id"] += 1
                    continue
                if comment.comment_id in known:
                    self.already += 1
                    continue
                known.add(comment.comment_id)  # an export that repeats a comment: the first one
                thread = _thread_start(comment, by_id)
                row = self._comment(article_id, post_date, comment)
                (replies if thread else tops).append((comment.comment_id, row, thread))
                self.imported[comment.state] += 1
                if row.status == Comment.Status.APPROVED:
                    shown.add(article_id)
        created = Comment.objects.bulk_create([row for _, row, _ in tops])
        ids = {wp_id: row.pk for (wp_id, _, _), row in zip(tops, created, strict=True)}
        ids.update(ImportedComment.objects.filter(source=self.source, wp_id__in={t for _, _, t in replies})
                   .values_list("wp_id", "comment_id"))
        for _, row, thread in replies:
            row.parent_id = ids.get(thread)  # a thread left out: the reply stands on its own
        created += Comment.objects.bulk_create([row for _, row, _ in replies])
        ImportedComment.objects.bulk_create([
            ImportedComment(source=self.source, wp_id=wp_id, comment_id=row.pk)
            for (wp_id, _, _), row in zip(tops + replies, created, strict=True)])
        return shown

    def _comment(self, article_id, post_date, comment):
        email = normalise_email(comment.email)
        email = email if _EMAIL.match(email) and len(email) <= 254 else ""
        name = re.sub(r"\s+", " ", plain_text(comment.author))  # entities and stray tags, as in the text
        return Comment(article_id=article_id, name=(name or "Anonymous")[:NAME_MAX],
                       email=email, email_digest=email_digest(email) if email else "",
                       text=plain_text(comment.content) or "(no text)", status=STATES[comment.state],
                       held_because=HELD_BECAUSE.get(comment.state, ""),
                       created_at=comment_date(comment, post_date))

    def summary(self):
        lines = []
        if self.imported or self.already:
            counts = ", ".join(f"{n} {state}" for state, n in sorted(self.imported.items())) or "none new"
            before = f"; {self.already} already imported before" if self.already else ""
            lines.append(f"Comments imported: {counts}{before}")
        if self.left_out:
            lines.append("Comments left out: " + ", ".join(f"{n} {why}" for why, n in sorted(self.left_out.items())))
        return lines


def _thread_start(comment, by_id):
    """The wp id of the first comment of `comment`'s thread, or None for a first comment. Follows
    parents up (WordPress nests replies to any depth); a loop or a missing parent ends the walk."""
    start, seen = None, {comment.comment_id}
    parent = comment.parent
    while parent and parent != "0" and parent not in seen and parent in by_id:
        seen.add(parent)
        if by_id[parent].state in STATES and by_id[parent].kind not in NOT_READERS:
            start = parent
        parent = by_id[parent].parent
    return start
