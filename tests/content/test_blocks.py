"""Every body block is something an editor can pick knowingly and a reader sees correctly."""

import pytest
from django.template.loader import get_template
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from news.blocks import ArticleBodyBlock

BODY = ArticleBodyBlock()


@pytest.mark.parametrize("name", list(BODY.child_blocks))
def test_block_has_icon_description_preview_and_template(name):
    block = BODY.child_blocks[name]
    assert block.meta.icon not in (None, "placeholder"), f"{name} needs an icon"
    assert block.get_description(), f"{name} needs a description for the block picker"
    assert block.get_preview_value() not in (None, ""), f"{name} needs a preview value"
    get_template(block.meta.template)  # raises if the template is missing


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in BODY.child_blocks if n != "image"])
def test_block_renders_its_preview_value(name):
    block = BODY.child_blocks[name]
    html = block.render(block.get_preview_value())
    if name == "internal_note":
        assert html.strip() == "", "internal notes are never shown to readers"
    else:
        assert html.strip(), f"{name} rendered nothing"


@pytest.mark.django_db
def test_image_block_renders_with_alt_caption_credit_and_size():
    image = get_image_model().objects.create(title="Test", file=get_test_image_file(), description="A red square")
    block = BODY.child_blocks["image"]
    value = block.to_python({"image": image.pk, "alt_text": "", "caption": "At the harbour.", "credit": "Staff"})
    html = block.render(value)
    assert 'alt="A red square"' in html  # falls back to the image's own description
    assert "At the harbour." in html and "Staff" in html
    assert 'width="' in html and 'height="' in html and 'loading="lazy"' in html
    value = block.to_python({"image": image.pk, "alt_text": "Boats moored", "caption": "", "credit": ""})
    assert 'alt="Boats moored"' in block.render(value)


def test_internal_note_is_excluded_from_searchable_content():
    stream = BODY.to_python([{"type": "paragraph", "value": "<p>Public words</p>"},
                             {"type": "internal_note", "value": "secret words"}])
    content = " ".join(str(c) for c in BODY.get_searchable_content(stream))
    assert "Public words" in content
    assert "secret" not in content
