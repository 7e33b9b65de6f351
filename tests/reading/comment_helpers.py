"""What the comment tests share besides fixtures (those are in tests/reading/conftest.py)."""

import html
import re

from django.urls import reverse

from comments.screening import form_token

READER = {"name": "Ada Reader", "email": "ada@example.com"}


def post_comment(client, article, text="A thoughtful remark about the harbour.", token=None, json=False,
                 **fields):
    data = {**READER, "text": text, "parent": "", "website": "",
            "token": form_token(article.pk) if token is None else token, **fields}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(reverse("comments:post", args=[article.pk]), data, headers=headers)


def page_text(response):
    return html.unescape(response.content.decode())


def comments_section(response):
    """The comments section of an article page ("" when the page has none)."""
    found = re.search(r'<section class="comments".*?</section>', response.content.decode(), re.DOTALL)
    return found.group(0) if found else ""


def token_in(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
