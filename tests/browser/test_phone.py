"""At 390 px wide: the first result without scrolling, the facets behind "Filters" (with and
without JavaScript), nothing wider than the screen."""
import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
ARTICLE = "/article/Magnitogorsk_apartment_building_collapses_after_explosion,_dozens_dead"
FILTERED = "/search?q=president&country=United+States&not_person=Donald+Trump&topic=politics+and+government"


@pytest.fixture
def phone(browser):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.set_default_timeout(5000)
    yield page
    page.close()


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", ["/", "/search?q=president", FILTERED], ids=["home", "query", "filtered"])
def test_first_result_is_visible_without_scrolling(phone, base_url, path):
    phone.goto(base_url + path)
    assert overflow(phone) <= PHONE["width"]
    box = phone.locator(".hit").first.bounding_box()
    assert box["y"] < PHONE["height"]
    expect(phone.locator("#facet-person")).not_to_be_visible()   # folded away
    expect(phone.locator("#filters > summary")).to_be_visible()


@pytest.mark.parametrize("path", [ARTICLE, ARTICLE + "?q=explosion", "/help", "/article/missing"])
def test_other_pages_fit_the_screen(phone, base_url, path):
    phone.goto(base_url + path)
    assert overflow(phone) <= PHONE["width"]


def test_filters_fold_opens_and_stays_open_through_a_facet_tap(phone, base_url):
    phone.goto(base_url + "/search?q=president")
    phone.locator("#filters > summary").tap()
    expect(phone.locator("#facet-person")).to_be_visible()
    assert overflow(phone) <= PHONE["width"]
    value = phone.locator("#facet-person .fv-toggle").first
    name = value.locator(".fv-label").inner_text()
    value.tap()
    expect(phone.locator(".active-filters .chip-person")).to_contain_text(name)
    expect(phone.locator("#facet-person")).to_be_visible()   # still unfolded after the swap
    expect(phone.locator("#filters > summary .badge")).to_contain_text("1")
    phone.locator("#facet-person .fv-exclude").nth(1).tap()   # no hover on a phone
    expect(phone.locator(".active-filters .chip.negated")).to_be_visible()


def test_filters_fold_works_without_javascript(browser, base_url):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/search?q=president")
        expect(page.locator("#facet-person")).not_to_be_visible()
        assert page.locator(".hit").first.bounding_box()["y"] < PHONE["height"]
        page.locator("#filters > summary").click()
        expect(page.locator("#facet-person")).to_be_visible()
        page.locator("#facet-person .fv-toggle").first.click()
        page.wait_for_url(re.compile(r"person="))
        expect(page.locator(".active-filters .chip-person")).to_have_count(1)
    finally:
        context.close()


def test_filters_are_always_shown_on_a_wide_screen(browser, base_url):
    for js in (True, False):
        context = browser.new_context(viewport={"width": 1360, "height": 900}, java_script_enabled=js)
        page = context.new_page()
        try:
            page.goto(base_url + "/search")
            expect(page.locator("#facet-person")).to_be_visible()
            expect(page.locator("#filters > summary")).not_to_be_visible()
        finally:
            context.close()
