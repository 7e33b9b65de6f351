"""The reader site in real headless Chromium: a reader's journey, accessibility (axe-core, WCAG 2.2 AA),
keyboard-only menus, the site without JavaScript, reduced motion, images and layout shift, page weight
and the view-count beacon."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, MOBILE, assert_no_axe_violations, screenshot

VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
SITE_NAME = "Newsroom"
MAX_CSS_JS_BYTES = 60 * 1024
# A reader's browser: the beacon endpoint does not count user agents that say "Headless".
READER_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Safari/537.36")

# Sum of the layout-shift entries since navigation start (the observer replays them: buffered),
# leaving out shifts right after user input, as Cumulative Layout Shift does.
CLS_JS = """() => new Promise(resolve => {
  let cls = 0;
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) cls += entry.value;
  });
  observer.observe({type: "layout-shift", buffered: true});
  setTimeout(() => { observer.disconnect(); resolve(cls); }, 300);
})"""


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def h1(page):
    return page.locator("main h1")


def load_lazy_images(page):
    """Scroll through the page with the mouse wheel, as a reader would, so lazy images load; then back
    to the top. (Driven from here: pages without JavaScript run no timers for a script to wait on.)"""
    step = page.viewport_size["height"] // 2
    for _ in range(page.evaluate("document.documentElement.scrollHeight") // step + 1):
        page.mouse.wheel(0, step)
        page.wait_for_timeout(40)
    page.wait_for_load_state("networkidle")
    for _ in range(50):
        if page.evaluate("[...document.images].every(img => img.complete)"):
            break
        page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 0)")


def tab_to(page, locator, limit=60):
    """Press Tab until `locator` has keyboard focus, as a keyboard user would."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
        seen.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{locator} not reached with {limit} presses of Tab: {seen}")


def shoot(page, name):
    load_lazy_images(page)
    return screenshot(page, name)


# -- 1. A reader's journey ---------------------------------------------------------------------

@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_reader_journey_home_section_article_author_tag(demo_site, page_factory, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    base = demo_site

    page.goto(base + "/")
    expect(page).to_have_title(re.compile(rf"^{SITE_NAME}"))
    expect(h1(page)).to_have_text(f"{SITE_NAME}: latest news")
    expect(page.locator("main .card").first).to_be_visible()
    shoot(page, f"home-{viewport}")

    # Home → a section, from the main navigation (behind the Menu button on a phone).
    menu = page.get_by_role("button", name="Menu")
    business = main_nav(page).get_by_role("link", name="Business", exact=True)
    if viewport == "mobile":
        expect(business).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    else:
        expect(menu).to_be_hidden()
    business.click()
    expect(page).to_have_url(base + "/business/")
    expect(page).to_have_title(f"Business | {SITE_NAME}")
    expect(h1(page)).to_have_text("Business")
    expect(page.locator("body")).to_have_class(re.compile("template-section"))
    expect(page.locator(".main-nav a[href='/business/']")).to_have_attribute("aria-current", "page")
    shoot(page, f"section-{viewport}")

    # Section → an article, from its card.
    card_link = page.locator("main .card__title a").first
    headline = card_link.inner_text().strip()
    card_link.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/business/[\w-]+/$"))
    article_url = page.url
    expect(h1(page)).to_have_text(headline)
    expect(page).to_have_title(f"{headline} | {SITE_NAME}")
    expect(page.locator("body")).to_have_class(re.compile("template-article"))
    expect(page.locator(".breadcrumbs")).to_contain_text("Business")
    shoot(page, f"article-{viewport}")

    # Article → its author, from the byline.
    byline = page.locator(".byline a").first
    author = byline.inner_text().strip()
    byline.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/authors/[\w-]+/$"))
    expect(h1(page)).to_have_text(author)
    expect(page).to_have_title(f"{author} | {SITE_NAME}")
    expect(page.get_by_role("heading", name=f"Articles by {author}")).to_be_visible()
    expect(page.get_by_role("link", name=headline, exact=True).first).to_be_visible()
    shoot(page, f"author-{viewport}")

    # Back to the article → one of its tags.
    page.go_back()
    expect(page).to_have_url(article_url)
    expect(h1(page)).to_have_text(headline)
    tag_link = page.locator(".tags a[rel=tag]").first
    tag = tag_link.inner_text().strip()
    tag_link.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/tags/[\w-]+/$"))
    expect(h1(page)).to_have_text(tag)
    expect(page).to_have_title(f"{tag} | {SITE_NAME}")
    expect(page.get_by_role("link", name=headline, exact=True).first).to_be_visible()
    shoot(page, f"tag-{viewport}")

    # A mistyped address: a helpful 404 with the site around it.
    response = page.goto(base + "/no-such-page/")
    assert response.status == 404
    expect(h1(page)).to_have_text("Page not found")
    expect(page).to_have_title(f"Page not found | {SITE_NAME}")
    expect(page.get_by_role("search")).to_be_visible()
    shoot(page, f"404-{viewport}")


# -- 2. Accessibility: axe-core finds nothing against WCAG 2.0/2.1/2.2 A and AA -----------------

@pytest.mark.parametrize("name,viewport", [
    ("home", "desktop"), ("section", "desktop"), ("article", "desktop"), ("author", "desktop"),
    ("tag", "desktop"), ("404", "desktop"), ("search", "desktop"), ("no results", "desktop"),
    ("home", "mobile"), ("article", "mobile"), ("section", "mobile"), ("search", "mobile"),
    ("no results", "mobile"),
])
def test_no_axe_violations(demo_site, page_factory, paths, name, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    response = page.goto(demo_site + paths[name])
    assert response.status == (404 if name == "404" else 200)
    page.wait_for_load_state("networkidle")
    if viewport == "desktop":
        # The What's Hot ticker is animating, with its aria-hidden copies: they are checked too.
        expect(page.locator(".ticker__viewport")).to_have_class(re.compile("is-scrolling"))
        assert page.locator(".ticker__list > li[aria-hidden=true]").count() > 0
    assert_no_axe_violations(page)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_no_axe_violations_with_menus_open(demo_site, page_factory, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    page.goto(demo_site + "/")
    if viewport == "mobile":
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="World sections").click()
    expect(main_nav(page).get_by_role("link", name="Africa")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("target,viewport", [
    (".main-nav .search-button", "desktop"), (".main-nav__list a[href='/politics/']", "desktop"),
    (".ticker__pause", "desktop"), (".share__copy", "desktop"), (".site-footer button", "desktop"),
    (".main-nav__toggle", "mobile"),
])
def test_hover_states_keep_contrast(demo_site, page_factory, paths, target, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    page.goto(demo_site + (paths["article"] if "share" in target else "/"))
    element = page.locator(target).first
    element.scroll_into_view_if_needed()
    element.hover()
    assert_no_axe_violations(page)


def test_no_axe_violations_on_newsletter_result(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    page.get_by_label("Email address").fill(f"axe-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_role("button", name="Subscribe").click()
    expect(h1(page)).to_have_text(re.compile("Check your inbox"))
    assert_no_axe_violations(page)


# -- 3. Menus by keyboard alone ----------------------------------------------------------------

def test_submenu_opens_and_closes_by_keyboard(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    nav = main_nav(page)
    toggle = nav.get_by_role("button", name="World sections")
    africa, europe = nav.get_by_role("link", name="Africa"), nav.get_by_role("link", name="Europe")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(africa).to_be_hidden()

    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(africa).to_be_visible()
    page.keyboard.press("Tab")
    expect(africa).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(europe).to_be_focused()
    expect(europe).to_be_visible()

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(africa).to_be_hidden()
    expect(toggle).to_be_focused()

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(africa).to_be_visible()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(africa).to_be_hidden()

    # Tabbing on past the last sub-menu link closes the menu, and focus goes on to the next section.
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Politics", exact=True)).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(africa).to_be_hidden()

    # Shift+Tab goes back to the toggle (past the closed menu); a sub-menu link followed by keyboard works.
    page.keyboard.press("Shift+Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_site + "/world/africa/")
    expect(h1(page)).to_have_text("Africa")


def test_submenu_opens_on_keyboard_focus_without_javascript(demo_site, page_factory):
    page = page_factory(javascript=False)
    page.goto(demo_site + "/")
    nav = main_nav(page)
    world = nav.get_by_role("link", name="World", exact=True)
    africa = nav.get_by_role("link", name="Africa")
    expect(page.locator("html")).to_have_class("no-js")
    expect(page.locator(".submenu-toggle").first).to_be_hidden()  # its toggle needs JavaScript
    expect(africa).to_be_hidden()

    tab_to(page, world)
    expect(africa).to_be_visible()  # :focus-within opens the sub-menu
    page.keyboard.press("Tab")
    expect(africa).to_be_focused()
    expect(africa).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_site + "/world/africa/")
    expect(h1(page)).to_have_text("Africa")


def test_mobile_menu_button_toggles_navigation(demo_site, page_factory):
    page = page_factory(viewport=MOBILE)
    page.goto(demo_site + "/")
    nav = main_nav(page)
    menu = nav.get_by_role("button", name="Menu")
    politics = nav.get_by_role("link", name="Politics", exact=True)
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(politics).to_be_hidden()

    tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(politics).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Home")).to_be_focused()

    # The World sub-menu opens inside the folded-out list.
    toggle = nav.get_by_role("button", name="World sections")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Africa")).to_be_visible()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Escape again folds the list away and returns focus to the Menu button.
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(politics).to_be_hidden()

    menu.click()
    expect(politics).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(politics).to_be_hidden()


# -- 4. Everything works without JavaScript -----------------------------------------------------

def test_reading_searching_and_subscribing_without_javascript(demo_site, page_factory, paths):
    page = page_factory(javascript=False)
    base = demo_site

    page.goto(base + "/")
    expect(page.locator("html")).to_have_class("no-js")
    assert page.locator("main .card").count() >= 10
    shoot(page, "home-nojs")
    expect(page.locator(".ticker__list a").first).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()

    main_nav(page).get_by_role("link", name="Politics", exact=True).click()
    expect(page).to_have_url(base + "/politics/")
    expect(h1(page)).to_have_text("Politics")
    assert page.locator("main .card").count() >= 1

    headline = page.locator("main .card__title a").first.inner_text().strip()
    page.locator("main .card__title a").first.click()
    expect(page.locator("body")).to_have_class(re.compile("template-article"))
    expect(h1(page)).to_have_text(headline)
    lead = page.locator(".lead-image img")
    expect(lead).to_be_visible()
    assert lead.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("[data-copy-link]").first).to_be_hidden()  # needs JavaScript: not offered
    page.goto(base + paths["article"])
    expect(page.locator(".article__body p").first).to_be_visible()

    # The header's Search link leads to a plain GET form.
    page.locator(".site-header").get_by_role("link", name="Search").click()
    expect(page).to_have_url(base + "/search/")
    expect(h1(page)).to_have_text("Search")
    page.get_by_label("Search Newsroom").fill("bank")
    with page.expect_response(lambda r: "/search/?q=bank" in r.url) as search:
        page.get_by_role("search").get_by_role("button", name="Search").click()
    assert search.value.status == 200
    expect(h1(page)).to_have_text("Search results for “bank”")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"\d+ results?|No results"))
    expect(page.get_by_label("Search Newsroom")).to_have_value("bank")
    shoot(page, "search-nojs")

    # The footer's newsletter form is a plain POST.
    email = f"no-js-{uuid.uuid4().hex[:8]}@example.com"
    page.locator(".site-footer").get_by_label("Email address").fill(email)
    with page.expect_response(lambda r: r.request.method == "POST" and "/newsletter/" in r.url) as subscribed:
        page.locator(".site-footer").get_by_role("button", name="Subscribe").click()
    assert subscribed.value.status == 200
    expect(h1(page)).to_have_text("Check your inbox to confirm")
    expect(page.locator("main")).to_contain_text(email)
    shoot(page, "newsletter-nojs")


def test_mobile_navigation_without_javascript_shows_every_section(demo_site, page_factory):
    page = page_factory(viewport=MOBILE, javascript=False)
    page.goto(demo_site + "/")
    nav = main_nav(page)
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ["World", "Politics", "Business", "Weather"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Weather", exact=True).click()
    expect(h1(page)).to_have_text("Weather")


# -- 5. Reduced motion -------------------------------------------------------------------------

def ticker_state(page):
    return page.locator(".ticker__list").evaluate("""list => ({
        animation: getComputedStyle(list).animationName,
        playState: getComputedStyle(list).animationPlayState,
        scrolling: list.parentElement.classList.contains("is-scrolling"),
        copies: list.querySelectorAll("li[aria-hidden=true]").length,
        focusableCopies: list.querySelectorAll("li[aria-hidden=true] a:not([tabindex='-1'])").length,
    })""")


def test_ticker_stands_still_when_reduced_motion_is_asked_for(demo_site, page_factory):
    page = page_factory(reduced_motion="reduce")
    page.goto(demo_site + "/")
    state = ticker_state(page)
    assert state["animation"] == "none" and not state["scrolling"] and state["copies"] == 0, state
    expect(page.get_by_role("button", name="Pause")).to_be_hidden()
    # Still a list a reader can scroll and tab through.
    last = page.locator(".ticker__list a").last
    tab_to(page, last)
    expect(last).to_be_in_viewport()


def test_ticker_moves_when_motion_is_welcome_and_can_be_paused(demo_site, page_factory):
    page = page_factory(reduced_motion="no-preference")
    page.goto(demo_site + "/")
    state = ticker_state(page)
    assert state["animation"] == "ticker" and state["scrolling"] and state["playState"] == "running", state
    assert state["copies"] > 0 and state["focusableCopies"] == 0, state
    pause = page.get_by_role("button", name="Pause")
    expect(pause).to_have_attribute("aria-pressed", "false")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    leave_ticker(page)  # hover and focus pause it too: leave it to see the button's own effect
    assert ticker_state(page)["playState"] == "paused"
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "false")
    leave_ticker(page)
    assert ticker_state(page)["playState"] == "running"


def leave_ticker(page):
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement.blur()")


# -- 6. Images: responsive, lazy below the fold, no layout shift --------------------------------

def test_article_lead_image_is_responsive_webp_with_dimensions(demo_site, page_factory, paths):
    page = page_factory()
    page.goto(demo_site + paths["article"])
    lead = page.locator(".lead-image img")
    attrs = lead.evaluate("""img => ({width: img.getAttribute("width"), height: img.getAttribute("height"),
        srcset: img.getAttribute("srcset") || "", sizes: img.getAttribute("sizes"), loading: img.loading,
        alt: img.getAttribute("alt"), current: img.currentSrc, natural: img.naturalWidth})""")
    assert attrs["width"].isdigit() and attrs["height"].isdigit(), attrs
    candidates = [c.strip() for c in attrs["srcset"].split(",")]
    assert len(candidates) >= 2 and all(re.search(r"\.webp \d+w$", c) for c in candidates), attrs
    assert attrs["sizes"] and attrs["loading"] == "auto", attrs  # above the fold: not lazy
    assert attrs["current"].endswith(".webp") and attrs["natural"] > 0, attrs
    assert attrs["alt"], "the lead image has alternative text"


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_card_images_below_the_fold_load_lazily(demo_site, page_factory, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    fetched = set()
    page.on("request", lambda r: fetched.add(r.url) if r.resource_type == "image" else None)
    page.goto(demo_site + "/")
    page.wait_for_load_state("networkidle")
    # Pictures the layout leaves out (a phone's compact section blocks) are not on the page at all.
    images = page.evaluate("""() => [...document.querySelectorAll("main .card__image img")]
        .filter(img => img.getClientRects().length > 0).map(img => ({
        top: img.getBoundingClientRect().top + window.scrollY, loading: img.loading,
        width: img.getAttribute("width"), height: img.getAttribute("height"), loaded: img.naturalWidth > 0}))""")
    fold = page.viewport_size["height"]
    above, below = [img for img in images if img["top"] < fold], [img for img in images if img["top"] > fold]
    assert above and len(below) >= 5, images
    assert all(img["loading"] == "lazy" for img in below), [img for img in below if img["loading"] != "lazy"]
    assert all(img["loaded"] for img in above), "images in the first screen load straight away"
    assert all(img["width"] and img["height"] for img in images), "every card image has width and height"
    # Far below the fold (beyond Chromium's lazy-loading margin) they wait until the reader scrolls.
    on_load = len(fetched)
    load_lazy_images(page)
    print(f"images fetched on load {on_load}, after scrolling {len(fetched)}")
    assert len(fetched) > on_load


@pytest.mark.parametrize("name,viewport", [("article", "desktop"), ("article", "mobile"), ("home", "desktop"),
                                           ("home", "mobile")])
def test_no_layout_shift(demo_site, page_factory, paths, name, viewport):
    page = page_factory(viewport=VIEWPORTS[viewport])
    page.goto(demo_site + paths[name], wait_until="load")
    load_lazy_images(page)  # lazy images arriving while the reader scrolls must not push text about
    cls = page.evaluate(CLS_JS)
    print(f"CLS {name} {viewport}: {cls:.4f}")
    assert cls < 0.1


# -- 7. Page weight ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["home", "article"])
def test_css_and_js_stay_small(demo_site, page_factory, paths, name):
    page = page_factory()
    responses = []
    page.on("response", lambda r: responses.append(r)
            if r.request.resource_type in ("stylesheet", "script") else None)
    page.goto(demo_site + paths[name])
    page.wait_for_load_state("networkidle")
    sizes = {r.url: len(r.body()) for r in responses}
    total = sum(sizes.values())
    print(f"CSS+JS {name}: {total} bytes {sizes}")
    assert {url.rsplit("/", 1)[-1] for url in sizes} >= {"site.css", "site.js"}
    assert all(url.startswith(demo_site + "/static/") for url in sizes), "no third-party CSS or scripts"
    assert 0 < total <= MAX_CSS_JS_BYTES, sizes


# -- 8. The view beacon ------------------------------------------------------------------------

def test_article_sends_one_view_beacon_after_load(demo_site, page_factory, paths):
    page = page_factory()
    beacons = []
    page.on("request", lambda r: beacons.append(r) if "/api/views/" in r.url else None)
    with page.expect_request(lambda r: "/api/views/" in r.url) as beacon:
        page.goto(demo_site + paths["article"])
    request = beacon.value
    assert request.method == "POST"
    assert request.url == f"{demo_site}/api/views/{paths['article_id']}/"
    assert (request.post_data or "").startswith("token=")  # the page's signed token (trending.guard)
    assert request.response().status == 204
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert len(beacons) == 1

    page.goto(demo_site + "/")  # other pages count nothing
    page.wait_for_load_state("networkidle")
    assert len(beacons) == 1


def test_a_readers_view_counts_towards_top_trending(demo_site, browser, paths):
    from django.db.models import Sum

    from trending.models import ArticleDailyViews

    def views():
        return ArticleDailyViews.objects.filter(article_id=paths["article_id"]).aggregate(n=Sum("views"))["n"] or 0

    before = views()
    # A browser of its own: one client counts once per article and day (trending.guard), and other
    # tests have read this article with READER_UA from this address already.
    context = browser.new_context(viewport=DESKTOP, user_agent=f"{READER_UA} trending-test")
    try:
        page = context.new_page()
        with page.expect_response(lambda r: "/api/views/" in r.url) as counted:
            page.goto(demo_site + paths["article"])
        assert counted.value.status == 204
        assert views() == before + 1
        page.goto(demo_site + "/")
        trending = page.get_by_role("region", name="Top Trending")
        expect(trending.get_by_role("link", name=paths["article_title"], exact=True)).to_be_visible()
    finally:
        context.close()


# -- 9. The sidebar and the phone layout ---------------------------------------------------------

def box(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("name", ["article", "section", "author", "tag", "search"])
def test_the_sidebar_is_beside_the_content_on_a_desktop_and_below_it_on_a_phone(demo_site, page_factory,
                                                                                 paths, name):
    desktop = page_factory(viewport=DESKTOP)
    desktop.goto(demo_site + paths[name])
    sidebar = desktop.locator("aside.sidebar")
    for heading in ("Editors' Picks", "Latest Posts", "Top Trending"):
        expect(sidebar.get_by_role("heading", name=heading)).to_be_visible()
    main = desktop.locator(".with-sidebar__main, .article-main").first
    assert box(sidebar)["x"] >= box(main)["x"] + box(main)["width"], "beside the content"
    assert box(sidebar)["y"] < DESKTOP["height"], "and level with its top"
    shoot(desktop, f"sidebar-{name}-desktop")

    phone = page_factory(viewport=MOBILE)
    phone.goto(demo_site + paths[name])
    sidebar, main = phone.locator("aside.sidebar"), phone.locator(".with-sidebar__main, .article-main").first
    assert box(sidebar)["y"] >= box(main)["y"] + box(main)["height"], "below the content on a phone"


def test_six_related_posts_follow_the_article(demo_site, page_factory, paths, search_terms):
    page = page_factory()
    page.goto(demo_site + paths["article"])
    related = page.get_by_role("region", name="Related Posts")
    expect(related.locator(".card")).to_have_count(6)
    article = page.locator("article.article")
    assert box(related)["y"] > box(article)["y"] + box(article)["height"] - 1
    assert box(related)["x"] < box(page.locator("aside.sidebar"))["x"], "in the article's column"


def test_on_a_phone_the_headline_and_lead_image_are_on_the_first_screen(demo_site, page_factory, paths):
    page = page_factory(viewport=MOBILE)
    page.goto(demo_site + paths["article"])
    headline, image = h1(page), page.locator(".lead-image img")
    assert box(headline)["y"] < MOBILE["height"] / 3, box(headline)
    assert box(image)["y"] + 80 < MOBILE["height"], f"the picture starts on the first screen: {box(image)}"
    shoot(page, "article-first-screen-mobile")


def test_on_a_phone_the_first_search_result_is_above_the_fold(demo_site, page_factory, search_terms):
    address = f"{demo_site}/search/?q={search_terms['common']}"
    page = page_factory(viewport=MOBILE)
    page.goto(address)
    first = page.locator(".search-result").first
    assert box(first)["y"] + 40 < MOBILE["height"], f"the first result on the first screen: {box(first)}"
    filters = page.locator("details.search-filters")
    expect(filters.get_by_role("heading", name="Date")).to_be_hidden()  # collapsed
    filters.locator("summary").click()
    expect(filters.get_by_role("heading", name="Date")).to_be_visible()
    shoot(page, "search-filters-open-mobile")

    wide = page_factory(viewport=DESKTOP)
    wide.goto(address)
    expect(wide.locator("details.search-filters").get_by_role("heading", name="Date")).to_be_visible()
    expect(wide.locator("details.search-filters summary")).to_be_hidden()


def test_on_a_phone_the_front_pages_section_blocks_are_compact(demo_site, page_factory):
    page = page_factory(viewport=MOBILE)
    page.goto(demo_site + "/")
    blocks = page.locator(".home-section")
    assert blocks.count() > 0
    for n in range(blocks.count()):
        cards = blocks.nth(n).locator(".card")
        visible_images = blocks.nth(n).locator(".card__image:visible")
        assert visible_images.count() <= 1, "one picture per block at most"
        if cards.count() > 1:
            # Cards side by side with their picture, not a full-width picture each.
            assert box(cards.nth(1))["height"] < 200
    shoot(page, "home-sections-mobile")


def test_a_search_that_finds_nothing_offers_articles_not_empty_filters(demo_site, page_factory):
    page = page_factory(viewport=MOBILE)
    page.goto(demo_site + "/search/?q=zzqqxxyy")
    expect(page.get_by_role("heading", name=re.compile("No articles match"))).to_be_visible()
    expect(page.locator(".search-filters")).to_have_count(0)
    latest = page.locator("aside.sidebar").get_by_role("region", name="Latest Posts")
    assert latest.locator(".card").count() >= 3
    shoot(page, "search-no-results-mobile")


def test_header_subscribe_button_takes_the_reader_to_the_signup(demo_site, page_factory):
    page = page_factory()
    page.goto(demo_site + "/")
    page.get_by_role("link", name="Subscribe", exact=True).click()
    expect(page).to_have_url(demo_site + "/#newsletter")
    expect(page.locator("#newsletter").get_by_label("Email address")).to_be_in_viewport()
