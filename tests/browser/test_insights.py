"""Related values and trends in a real browser: reached from a facet value and from the histogram,
the network's nodes and the chart's numbers work as links (on each engine: `engine_url`), axe finds
nothing serious, phones fit (the pages' markup: Whoosh only)."""
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from test_accessibility import WIDTHS, axe_violations

RELATED = "/related?q=president"
TRENDS = "/trends?s=person:Joe+Biden&s=president&s=country:United+States&unit=month"


def params(url):
    return parse_qsl(urlsplit(url).query)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("path", [RELATED, TRENDS, "/related", "/trends?unit=year"],
                         ids=["related", "trends", "related-all", "trends-all"])
def test_axe_and_width_on_the_insight_pages(browser, base_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(base_url + path)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        page.close()


def test_a_facet_value_menu_leads_to_its_trend(page, engine_url):
    page.goto(engine_url + "/search?q=president")
    row = page.locator("#facet-person .fv").first
    name = row.locator(".fv-label").inner_text()
    row.get_by_label(f"Trend and related: {name}").click()
    row.get_by_role("link", name=f"Trend of {name}").click()
    expect(page.locator(".trend-legend")).to_contain_text(f"person: {name}")
    assert ("s", f"person:{name}") in params(page.url) and ("q", "president") in params(page.url)
    expect(page.locator(".trend-chart polyline")).to_have_count(1)


def test_a_facet_value_menu_leads_to_who_appears_with_it(page, engine_url):
    page.goto(engine_url + "/search")
    row = page.locator("#facet-person .fv").first
    name = row.locator(".fv-label").inner_text()
    row.get_by_label(f"Trend and related: {name}").click()
    row.get_by_role("link", name=f"Who appears with {name}").click()
    expect(page.locator("h1")).to_contain_text(f"person: {name}")
    expect(page.locator(".network svg")).to_be_visible()


def test_a_network_node_opens_the_narrowed_search(page, engine_url):
    page.goto(engine_url + RELATED)
    node = page.locator(".network svg a").nth(1)   # the first value around the hub
    label = node.locator("text").text_content().rstrip("…")
    node.locator("circle").click()
    expect(page.locator(".active-filters")).to_be_visible()
    pairs = params(page.url)
    assert urlsplit(page.url).path == "/search" and ("q", "president") in pairs
    assert any(v.startswith(label) for k, v in pairs if k != "q")


def test_the_histogram_leads_to_the_trend_of_the_search(page, engine_url):
    page.goto(engine_url + "/search?q=president")
    expect(page.locator(".timeline .hcount").first).to_be_visible()
    page.locator(".timeline-trend").click()
    expect(page.locator(".trend-table")).to_be_visible()
    assert ("q", "president") in params(page.url) and ("unit", "month") in params(page.url)


def test_the_trend_form_draws_the_series_asked_for(page, engine_url):
    page.goto(engine_url + "/trends")
    inputs = page.locator(".trend-series input")
    expect(inputs).to_have_count(5)
    inputs.nth(0).fill("person:Donald Trump")
    inputs.nth(1).fill("election")
    page.locator(".trend-unit select").select_option("year")
    page.get_by_role("button", name="Draw").click()
    expect(page.locator(".trend-chart polyline")).to_have_count(2)
    headers = page.locator(".trend-table thead th").all_inner_texts()
    assert headers == ["Year", "person: Donald Trump", "election"]
    first_count = page.locator(".trend-table tbody a").first
    first_count.click()   # a count opens its articles: the series, within those dates
    expect(page.locator(".active-filters .chip-date")).to_be_visible()


@pytest.mark.parametrize("unit, span", [("month", "from=2019-01&to=2020-12"), ("month", "from=2019-01&to=2021-01"),
                                        ("week", "from=2020-01&to=2020-06"), ("day", "from=2020-01-01&to=2020-01-31")])
def test_every_axis_label_of_the_trend_chart_is_inside_it(page, base_url, unit, span):
    # The last month's label sat centred on the chart's right edge: "2020-12" showed as "2020-1".
    page.goto(f"{base_url}/trends?s=president&unit={unit}&{span}")
    svg = page.locator(".trend-chart svg")
    width = float(svg.get_attribute("width"))
    boxes = svg.locator("text.tick").evaluate_all(
        "ts => ts.map(t => { const b = t.getBBox(); return [t.textContent, b.x, b.x + b.width, b.y]; })")
    assert len(boxes) > 3
    outside = [(label, round(x0), round(x1)) for label, x0, x1, _y in boxes if x0 < 0 or x1 > width]
    assert outside == []
    bottom = max(y for *_, y in boxes)
    x_axis = sorted((x0, x1, label) for label, x0, x1, y in boxes if y == bottom)
    assert len(x_axis) > 2
    assert all(a[1] <= b[0] for a, b in zip(x_axis, x_axis[1:])), x_axis   # and none covers another
