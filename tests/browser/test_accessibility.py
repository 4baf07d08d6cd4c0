"""Keyboard, screen readers: axe-core finds no serious or critical problem; the exclude control,
the skip link and focus after a facet toggle work from the keyboard; one <h1>; titles say the filters.

axe-core is vendored (tests/browser/vendor/, pinned in package.json) and injected with
page.evaluate, which the page's Content-Security-Policy does not govern.
"""
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
ARTICLE = "/article/Magnitogorsk_apartment_building_collapses_after_explosion,_dozens_dead"
PAGES = ["/", "/search?q=president&country=United+States&not_person=Donald+Trump&topic=politics+and+government",
         ARTICLE + "?q=explosion", "/help"]
WIDTHS = {"desktop": 1360, "phone": 390}


def axe_violations(page):
    """Return axe-core's serious and critical violations on the page, as short readable lines."""
    page.evaluate(AXE)
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("path", PAGES, ids=["home", "search-filtered", "article", "help"])
def test_axe_finds_no_serious_or_critical_violations(browser, base_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(base_url + path)
        assert axe_violations(page) == []
        if width == WIDTHS["phone"] and page.locator("#filters").count():
            page.locator("#filters > summary").click()   # the unfolded filters too
            assert axe_violations(page) == []
    finally:
        page.close()


def test_axe_after_a_facet_swap(page, base_url):
    page.goto(base_url + "/search?q=president")
    page.locator("#facet-person .fv-toggle").first.click()
    expect(page.locator(".active-filters .chip-person")).to_be_visible()
    assert axe_violations(page) == []


def test_exclude_control_is_visible_and_named_without_hover(page, base_url):
    page.goto(base_url + "/search")
    row = page.locator("#facet-country .fv").first
    name = row.locator(".fv-label").inner_text()
    control = page.get_by_role("link", name=f"Exclude {name}", exact=True)
    expect(control).to_be_visible()
    assert control.evaluate("e => getComputedStyle(e).visibility") == "visible"
    box = control.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24   # a target a finger can hit


def test_keyboard_toggle_keeps_focus_on_the_control(page, base_url):
    page.goto(base_url + "/search")
    toggle = page.locator("#facet-person .fv-toggle").first
    key = toggle.get_attribute("id")
    name = toggle.locator(".fv-label").inner_text()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters .chip-person")).to_contain_text(name)
    expect(page.locator(f"#{key}")).to_be_focused()
    expect(page.locator(f"#{key}")).to_have_attribute("title", f"Remove {name}")
    # the exclude control of another value, by keyboard: focus stays on it as its name changes
    other = page.locator("#facet-country .fv-exclude").first
    other_key = other.get_attribute("id")
    other.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters .chip.negated")).to_be_visible()
    expect(page.locator(f"#{other_key}")).to_be_focused()
    assert page.locator(f"#{other_key}").get_attribute("aria-label").startswith("Stop excluding ")
    page.keyboard.press("Enter")   # and back, still from the keyboard
    expect(page.locator(".active-filters .chip.negated")).to_have_count(0)
    expect(page.locator(f"#{other_key}")).to_be_focused()


def test_skip_link_is_the_first_tab_stop_and_lands_on_the_results(page, base_url):
    page.goto(base_url + "/search?q=president")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("Skip to results")
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.keyboard.press("Tab")   # the next stop is inside the results, past every facet
    assert page.evaluate("document.getElementById('results').contains(document.activeElement)")


@pytest.mark.parametrize("path", ["/", "/search?person=Joe+Biden", ARTICLE, ARTICLE + "?q=explosion", "/help"])
def test_exactly_one_h1(page, base_url, path):
    page.goto(base_url + path)
    expect(page.locator("h1")).to_have_count(1)


def test_one_h1_and_a_title_naming_the_filters_after_swaps(page, base_url):
    page.goto(base_url + "/search?person=Joe+Biden")
    assert page.title() == "person: Joe Biden – Facetwire"
    row = page.locator("#facet-country .fv").first
    country = row.locator(".fv-label").inner_text()
    row.locator(".fv-toggle").click()
    expect(page).to_have_title(f"person: Joe Biden · country: {country} – Facetwire")
    expect(page.locator("h1")).to_have_count(1)
    page.fill("#q", "president")
    expect(page).to_have_title(f"president · person: Joe Biden · country: {country} – Facetwire")
    expect(page.locator("h1")).to_have_count(1)
