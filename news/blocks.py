"""StreamField blocks for article bodies.

Each block has its own template under templates/components/streamfield/blocks/, an icon, a
description and a preview value, so editors see what a block looks like in the block picker.
"""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

BLOCK_TEMPLATES = "components/streamfield/blocks"
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "superscript", "subscript",
                      "strikethrough"]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = f"{BLOCK_TEMPLATES}/paragraph.html"
        description = "Body text: one or more paragraphs with links and simple formatting."
        preview_value = RichText("<p>The council voted on Tuesday to extend the scheme for another year.</p>")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "Section heading"), ("h3", "Sub-heading")], default="h2")

    class Meta:
        icon = "title"
        template = f"{BLOCK_TEMPLATES}/heading.html"
        description = "A heading that breaks a long article into sections."
        preview_value = {"text": "What happens next", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False, max_length=250,
        help_text="Describe the image for readers who cannot see it. Leave empty to use the image's own description.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120, help_text="Photographer / agency.")

    class Meta:
        icon = "image"
        template = f"{BLOCK_TEMPLATES}/image.html"
        description = "A picture in the body, with caption and credit."
        preview_value = {"caption": "Crowds gathered in the square.", "credit": "Newsroom staff"}


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=300)
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = f"{BLOCK_TEMPLATES}/pull_quote.html"
        description = "A short line from the article, displayed large to draw the eye."
        preview_value = {"quote": "We will not stop until the job is done.", "attribution": "The mayor"}


class BlockQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    source = blocks.CharBlock(required=False, max_length=200)
    source_url = blocks.URLBlock(required=False)

    class Meta:
        icon = "openquote"
        template = f"{BLOCK_TEMPLATES}/block_quote.html"
        description = "A longer passage quoted from a speech, report or document."
        preview_value = {"quote": "The committee finds that the evidence does not support the claim.",
                         "source": "Committee report"}


class NewsEmbedBlock(EmbedBlock):
    """An embedded post or video. When the provider cannot be reached the template shows a plain
    link instead of nothing (Wagtail's EmbedValue.html is empty on failure)."""

    def clean(self, value):
        # Wagtail's EmbedBlock refuses to save a URL it cannot fetch an embed for right now. A
        # provider being slow or down must not stop a reporter saving a story, so only the URL
        # itself is validated; readers get a plain link until the embed can be fetched.
        return blocks.URLBlock.clean(self, value)

    class Meta:
        icon = "media"
        template = f"{BLOCK_TEMPLATES}/embed.html"
        description = "A video, social post or map from a supported provider, by URL."
        preview_value = "https://example.com/embedded-video"


class NewsTableBlock(TableBlock):
    class Meta:
        icon = "table"
        template = f"{BLOCK_TEMPLATES}/table.html"
        description = "A table of figures, results or data."
        preview_value = {
            "first_row_is_table_header": True,
            "data": [["Party", "Seats"], ["Blue", "212"], ["Red", "198"]],
            "table_caption": "Results",
        }


class RelatedLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(required=False, page_type="news.ArticlePage")
    url = blocks.URLBlock(required=False, help_text="An outside link, when no page is chosen.")
    title = blocks.CharBlock(required=False, max_length=200, help_text="Defaults to the page's title.")

    class Meta:
        icon = "link"


class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Read more", max_length=80)
    links = blocks.ListBlock(RelatedLinkBlock(), min_num=1)

    def get_context(self, value, parent_context=None):
        """The links readers may follow: a chosen article only while readers may see it (the one
        rule, ArticlePage.objects.visible(): live, not private, in its publication window), else the
        outside link given beside it, if any."""
        from .models import ArticlePage  # blocks are imported by models

        context = super().get_context(value, parent_context)
        chosen = [link.get("page").pk for link in value["links"] if link.get("page")]
        visible = (set(ArticlePage.objects.visible().filter(pk__in=chosen).values_list("pk", flat=True))
                   if chosen else set())
        context["shown"] = []
        for link in value["links"]:
            page = link.get("page") if link.get("page") and link.get("page").pk in visible else None
            if page or link.get("url"):
                context["shown"].append({"page": page, "url": link.get("url"), "title": link.get("title")})
        return context

    class Meta:
        icon = "list-ul"
        template = f"{BLOCK_TEMPLATES}/related_links.html"
        description = "A short list of links to related coverage."
        preview_value = {"heading": "Read more", "links": [{"url": "https://example.com", "title": "Background"}]}


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "info-circle"
        template = f"{BLOCK_TEMPLATES}/fact_box.html"
        description = "A boxed set of key facts beside the story."
        preview_value = {"title": "Key facts", "body": RichText("<ul><li>Population: 2.1 million</li></ul>")}


class InternalNoteBlock(blocks.TextBlock):
    """A note for colleagues: never shown to readers and never indexed for search."""

    def __init__(self, **kwargs):
        super().__init__(search_index=False, **kwargs)

    class Meta:
        icon = "comment"
        template = f"{BLOCK_TEMPLATES}/internal_note.html"
        description = "A note for editors only. Readers never see it and search never finds it."
        preview_value = "Check the figures with the press office before publishing."


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ImageBlock()
    pull_quote = PullQuoteBlock()
    block_quote = BlockQuoteBlock()
    embed = NewsEmbedBlock()
    table = NewsTableBlock()
    related_links = RelatedLinksBlock()
    fact_box = FactBoxBlock()
    internal_note = InternalNoteBlock()
