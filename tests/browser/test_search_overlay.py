"""The search overlay in real headless Chromium: a native modal dialog opened by the header's Search
button or "/", its suggestions combobox (WAI-ARIA pattern, keyboard only), focus that stays inside and
comes back, the page beneath locked without moving, the plain link without JavaScript, axe-core on the
open overlay and on the results page, and a phone-sized screen.

Suggestions come from the real /search/suggest/ endpoint over the public index, rebuilt here from the
demo newsroom."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    MOBILE,
    assert_no_axe_violations,
    combobox,
    overlay,
    screenshot,
    search_button,
    wait_until,
)

SEED_TEXT = "Type above and press Enter to search. Press Esc to cancel."
# Every focusable thing inside the dialog, for "is focus still in there?"
FOCUS_IN_DIALOG = "() => !!document.activeElement && !!document.activeElement.closest('dialog[open]')"


@pytest.fixture(scope="module")
def suggest_endpoint(demo_site, search_terms, browser):
    """Fail clearly (rather than time out) while /search/suggest/ is missing."""
    context = browser.new_context()
    try:
        response = context.request.get(f"{demo_site}/search/suggest/?q={search_terms['word']}")
        assert response.status == 200, f"GET /search/suggest/ answered {response.status}: {response.text()[:200]}"
        return response.json()
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser_with_scrollbars(browser):
    """Headless Chromium hides scrollbars; a desktop reader's take room, and losing that room when the
    page is locked is what would shift it sideways."""
    other = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                        ignore_default_args=["--hide-scrollbars"])
    yield other
    other.close()


def shoot_viewport(page, name):
    """What the reader sees: a modal covers the screen, so the whole page's length says nothing."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def listbox(page):
    return page.get_by_role("listbox", name="Suggestions")


def is_modal(page):
    return overlay(page).evaluate("d => d.open && d.matches(':modal')")


def open_with_button(page, base, path="/"):
    page.goto(base + path)
    search_button(page).click()
    expect(overlay(page)).to_be_visible()
    expect(combobox(page)).to_be_focused()


def type_query(page, text):
    # Key by key, as a reader types (fill() would send one input event).
    page.keyboard.type(text, delay=30)


def wait_for_suggestions(page):
    expect(listbox(page)).to_be_visible()
    expect(combobox(page)).to_have_attribute("aria-expanded", "true")
    options = listbox(page).get_by_role("option")
    expect(options.first).to_be_visible()
    return options


# -- Opening and closing -----------------------------------------------------------------------

def test_search_button_opens_a_modal_dialog_with_focus_in_a_labelled_input(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    button = search_button(page)
    expect(overlay(page)).to_be_hidden()
    # With JavaScript the link is a button that opens a dialog (its href stays for a new tab).
    expect(button).to_have_attribute("role", "button")
    expect(button).to_have_attribute("aria-haspopup", "dialog")
    expect(button).to_have_attribute("href", "/search/")
    expect(page.get_by_role("button", name="Search", exact=True)).to_have_count(1)

    button.click()
    assert is_modal(page)
    expect(page).to_have_url(demo_site + "/")  # no navigation
    expect(page.get_by_role("dialog", name="Search articles")).to_be_visible()
    field = combobox(page)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("type", "search")
    expect(field).to_have_attribute("name", "q")
    assert field.evaluate("el => el.labels.length === 1 && el.labels[0].textContent.trim()") == "Search articles"
    expect(field).to_have_attribute("aria-autocomplete", "list")
    expect(field).to_have_attribute("aria-expanded", "false")
    listbox_id = field.get_attribute("aria-controls")
    assert page.locator(f"#{listbox_id}").get_attribute("role") == "listbox"
    described_by = field.get_attribute("aria-describedby")
    expect(page.locator(f"#{described_by}")).to_have_text(SEED_TEXT)
    expect(field).to_have_accessible_description(SEED_TEXT)
    expect(page.get_by_role("dialog").get_by_role("status")).to_have_count(1)
    shoot_viewport(page, "search-overlay-open-desktop")

    close = page.get_by_role("dialog").get_by_role("button", name="Close search")
    close.click()
    expect(overlay(page)).to_be_hidden()
    expect(button).to_be_focused()

    # A click on the dimmed page around the panel closes it too.
    button.click()
    expect(combobox(page)).to_be_focused()
    page.mouse.click(40, DESKTOP["height"] - 40)
    expect(overlay(page)).to_be_hidden()
    expect(button).to_be_focused()

    # By keyboard: Enter and Space both open it, as they would any button.
    for key in ["Enter", "Space"]:
        page.keyboard.press(key)
        expect(combobox(page)).to_be_focused()
        page.keyboard.press("Escape")
        expect(overlay(page)).to_be_hidden()
        expect(button).to_be_focused()


def test_slash_opens_the_overlay_and_escape_returns_focus_where_it_was(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    card = page.locator("main .card__title a").nth(3)
    card.focus()
    page.keyboard.press("/")
    expect(overlay(page)).to_be_visible()
    expect(combobox(page)).to_be_focused()
    expect(combobox(page)).to_have_value("")  # the "/" itself is not typed into the field
    page.keyboard.press("Escape")
    expect(overlay(page)).to_be_hidden()
    expect(card).to_be_focused()

    # With nothing focused, focus lands on the Search button, without scrolling the reader's place away.
    page.reload()
    page.evaluate("window.scrollTo(0, 600)")
    page.keyboard.press("/")
    expect(combobox(page)).to_be_focused()
    page.keyboard.press("Escape")
    expect(search_button(page)).to_be_focused()
    assert page.evaluate("window.scrollY") == 600


def test_slash_typed_into_a_field_stays_in_the_field(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    email = page.locator(".site-footer").get_by_label("Email address")
    email.click()
    page.keyboard.type("a/b")
    expect(email).to_have_value("a/b")
    expect(overlay(page)).to_be_hidden()

    page.goto(demo_site + "/search/")
    field = page.locator("main input[name=q]")
    field.click()
    page.keyboard.type("1/2")
    expect(field).to_have_value("1/2")
    expect(overlay(page)).to_be_hidden()

    # Nor with a modifier (browser shortcuts), nor inside the overlay's own field.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Control+/")
    expect(overlay(page)).to_be_hidden()
    page.keyboard.press("/")
    expect(combobox(page)).to_be_focused()
    page.keyboard.type("a/b")
    expect(combobox(page)).to_have_value("a/b")


def test_tab_and_shift_tab_stay_inside_the_dialog(demo_site, page_factory, search_terms, suggest_endpoint):
    page = page_factory()
    open_with_button(page, demo_site)
    type_query(page, search_terms["word"])
    wait_for_suggestions(page)
    for key in ["Tab", "Shift+Tab"]:
        visited = set()
        for _ in range(10):
            page.keyboard.press(key)
            assert page.evaluate(FOCUS_IN_DIALOG), (key, page.evaluate("document.activeElement.outerHTML"))
            visited.add(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        # The field, the Search button and the Close button, round and round.
        assert visited == {"search-overlay-input", "Search", "Close search"}, visited


def test_the_page_beneath_is_locked_without_moving(demo_site, browser_with_scrollbars):
    context = browser_with_scrollbars.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(demo_site + "/")
        assert page.evaluate("innerWidth - document.documentElement.clientWidth") > 0, "the page has a scrollbar"
        page.evaluate("window.scrollTo(0, 500)")

        def layout():
            return page.evaluate("""() => {
                const box = document.querySelector("main .wrap, main > *").getBoundingClientRect();
                const bar = document.querySelector(".topbar").getBoundingClientRect();  // full width
                return {x: box.x, width: box.width, top: box.top, scrollY: window.scrollY, bar: bar.width};
            }""")

        before = layout()
        page.keyboard.press("/")
        expect(overlay(page)).to_be_visible()
        assert layout() == before  # the scrollbar's room is kept: no sideways jump
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "hidden"
        page.mouse.move(600, 800)
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(200)
        assert page.evaluate("window.scrollY") == 500
        page.keyboard.press("Escape")
        expect(overlay(page)).to_be_hidden()
        assert layout() == before
        page.mouse.wheel(0, 300)
        wait_until(page, "window.scrollY > 500")
    finally:
        context.close()


# -- Suggestions -------------------------------------------------------------------------------

def test_suggestions_follow_the_combobox_pattern_and_enter_opens_the_active_one(
        demo_site, page_factory, search_terms, suggest_endpoint):
    page = page_factory()
    open_with_button(page, demo_site)
    field = combobox(page)
    suggests = []
    page.on("request", lambda r: suggests.append(r.url) if "/search/suggest/" in r.url else None)

    page.keyboard.type(search_terms["word"][0])  # one letter: too short to ask
    page.wait_for_timeout(400)
    assert suggests == []
    expect(listbox(page)).to_be_hidden()

    page.keyboard.type(search_terms["word"][1:], delay=30)  # faster than the debounce: one request
    options = wait_for_suggestions(page)
    page.wait_for_load_state("networkidle")
    # One, or two if a busy machine paused between keys for longer than the debounce; never one a key.
    assert 1 <= len(suggests) <= 2, suggests
    assert suggests[-1].endswith(f"/search/suggest/?q={search_terms['word']}")
    count = options.count()
    assert 1 <= count <= 6
    titles = [t.strip() for t in listbox(page).locator(".search-overlay__option-title").all_inner_texts()]
    assert search_terms["title"] in titles, (search_terms, titles)
    expect(page.get_by_role("dialog").get_by_role("status")).to_have_text(
        f"{count} suggestion{'s' if count != 1 else ''}")
    ids = [options.nth(i).get_attribute("id") for i in range(count)]
    assert all(ids) and len(set(ids)) == count
    expect(field).not_to_have_attribute("aria-activedescendant", re.compile("."))

    # Down and Up move the active option, wrapping round; the caret stays in the field.
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", ids[0])
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(field).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(field).to_have_attribute("aria-activedescendant", ids[-1])
    expect(options.nth(count - 1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", ids[0])
    assert page.locator("[role=option][aria-selected=true]").count() == 1

    # Enter on the active option goes to that article.
    target = titles.index(search_terms["title"])
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", ids[target])
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_site + search_terms["url"])
    expect(page.locator("main h1")).to_have_text(search_terms["title"])


def test_enter_without_an_active_option_goes_to_the_results_page(
        demo_site, page_factory, search_terms, suggest_endpoint):
    page = page_factory()
    open_with_button(page, demo_site)
    type_query(page, search_terms["word"])
    wait_for_suggestions(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{demo_site}/search/?q={search_terms['word']}")
    expect(page.locator("main h1")).to_contain_text(search_terms["word"])


def test_a_click_on_a_suggestion_opens_it(demo_site, page_factory, search_terms, suggest_endpoint):
    page = page_factory()
    open_with_button(page, demo_site)
    type_query(page, search_terms["word"])
    wait_for_suggestions(page)
    listbox(page).get_by_role("option").filter(has_text=search_terms["title"]).first.click()
    expect(page).to_have_url(demo_site + search_terms["url"])


def test_one_escape_closes_the_dialog_even_with_suggestions_open(
        demo_site, page_factory, search_terms, suggest_endpoint):
    """The overlay says "Press Esc to cancel": one press, not one for the suggestions and another for
    the dialog."""
    page = page_factory()
    open_with_button(page, demo_site)
    type_query(page, search_terms["word"])
    wait_for_suggestions(page)
    page.keyboard.press("ArrowDown")
    expect(combobox(page)).to_have_attribute("aria-activedescendant", re.compile("."))

    page.keyboard.press("Escape")
    expect(overlay(page)).to_be_hidden()
    expect(listbox(page)).to_be_hidden()
    expect(search_button(page)).to_be_focused()
    assert not is_modal(page)

    # Opened again, it starts clean: no stale suggestions, nothing marked active.
    search_button(page).click()
    expect(combobox(page)).to_be_focused()
    expect(listbox(page)).to_be_hidden()
    expect(combobox(page)).not_to_have_attribute("aria-activedescendant", re.compile("."))


def test_keys_are_left_alone_while_an_ime_is_composing(demo_site, page_factory, search_terms, suggest_endpoint):
    """An input method (Japanese, Chinese…) uses Enter, arrows and Escape to compose; they are its keys.
    Chromium's test input cannot compose, so the keys are sent as the events an IME produces."""
    page = page_factory()
    open_with_button(page, demo_site)
    field = combobox(page)
    type_query(page, search_terms["word"])
    wait_for_suggestions(page)
    page.keyboard.press("ArrowDown")
    first = field.get_attribute("aria-activedescendant")
    for key in ["ArrowDown", "Enter", "Escape"]:
        prevented = field.evaluate("""(input, key) => !input.dispatchEvent(new KeyboardEvent("keydown",
            {key, isComposing: true, keyCode: 229, bubbles: true, cancelable: true}))""", key)
        assert not prevented, key
    expect(field).to_have_attribute("aria-activedescendant", first)
    expect(listbox(page)).to_be_visible()
    assert is_modal(page)
    expect(page).to_have_url(demo_site + "/")


def test_the_latest_query_always_wins(demo_site, page_factory, search_terms, suggest_endpoint):
    """Typed slowly, every prefix is asked for; whatever order the answers come back in, the list shows
    the answer for the text in the field (older requests are aborted)."""
    page = page_factory()
    open_with_button(page, demo_site)
    word = search_terms["common"]
    page.keyboard.type(word, delay=170)
    page.wait_for_load_state("networkidle")
    expected = page.request.get(f"{demo_site}/search/suggest/?q={word}").json()["suggestions"]
    assert expected, word
    wait_for_suggestions(page)
    titles = [t.strip() for t in listbox(page).locator(".search-overlay__option-title").all_inner_texts()]
    assert titles == [s["title"] for s in expected]

    # Cleared to one letter: nothing is suggested, and an answer still on its way never reappears.
    for _ in range(len(word) - 1):
        page.keyboard.press("Backspace")
    expect(listbox(page)).to_be_hidden()
    page.wait_for_timeout(500)
    expect(listbox(page)).to_be_hidden()
    expect(combobox(page)).to_have_attribute("aria-expanded", "false")


# -- Without JavaScript ------------------------------------------------------------------------

def test_without_javascript_the_search_button_is_a_link_to_a_working_search_page(
        demo_site, page_factory, search_terms):
    page = page_factory(javascript=False)
    page.goto(demo_site + "/")
    expect(overlay(page)).to_be_hidden()
    link = page.locator(".site-header").get_by_role("link", name="Search")
    link.click()
    expect(page).to_have_url(demo_site + "/search/")
    expect(overlay(page)).to_be_hidden()
    form = page.locator("main").get_by_role("search")
    form.get_by_role("searchbox").fill(search_terms["word"])
    form.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/search/\?q={search_terms['word']}$"))
    expect(page.locator("main h1")).to_contain_text(search_terms["word"])
    expect(page.get_by_role("link", name=search_terms["title"]).first).to_be_visible()


# -- Accessibility and small screens -----------------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_no_axe_violations_with_the_overlay_open_and_suggestions_showing(
        demo_site, page_factory, search_terms, suggest_endpoint, viewport):
    page = page_factory(viewport=viewport)
    open_with_button(page, demo_site)
    type_query(page, search_terms["common"])
    wait_for_suggestions(page)
    page.keyboard.press("ArrowDown")
    shoot_viewport(page, f"search-overlay-suggestions-{'mobile' if viewport is MOBILE else 'desktop'}")
    assert_no_axe_violations(page)
    # The active option's highlight is visible, not only announced.
    option = listbox(page).get_by_role("option").first
    assert option.evaluate("o => getComputedStyle(o).outlineStyle") != "none"


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_no_axe_violations_on_the_results_page(demo_site, page_factory, search_terms, viewport):
    page = page_factory(viewport=viewport)
    response = page.goto(f"{demo_site}/search/?q={search_terms['common']}")
    assert response.status == 200
    expect(page.locator("main h1")).to_contain_text(search_terms["common"])
    expect(page.locator("main .search-results li").first).to_be_visible()
    screenshot(page, f"search-results-{'mobile' if viewport is MOBILE else 'desktop'}")
    assert_no_axe_violations(page)


def test_the_overlay_fits_a_phone_screen(demo_site, page_factory, search_terms, suggest_endpoint):
    page = page_factory(viewport=MOBILE)
    open_with_button(page, demo_site)
    type_query(page, search_terms["common"])
    wait_for_suggestions(page)
    shoot_viewport(page, "search-overlay-suggestions-mobile")
    width, height = MOBILE["width"], MOBILE["height"]
    dialog = page.get_by_role("dialog")
    for element in [combobox(page), dialog.get_by_role("button", name="Search", exact=True),
                    dialog.get_by_role("button", name="Close search"), listbox(page)]:
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (element, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (element, box)
    # Nothing sticks out sideways, and targets are big enough to tap (WCAG 2.5.8: 24 px).
    assert overlay(page).evaluate("d => d.scrollWidth <= d.clientWidth")
    for element in [dialog.get_by_role("button", name="Close search"), listbox(page).get_by_role("option").first]:
        assert element.bounding_box()["height"] >= 24
