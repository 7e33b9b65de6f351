import pytest


@pytest.fixture
def quick_comments(settings):
    """Comments may be sent at once after the page rendered: the minimum time has its own tests."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_PER_HOUR = 100


@pytest.fixture
def article(make_article):
    return make_article("Harbour reopens", standfirst="Ships are back.", body="The harbour reopened today.")
