"""The phone-width check itself: it sees what the old innerWidth comparison could not, and it passes a wide
table held in its own scroll box with the app's CSS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

from tests.browser.checks import PHONE, axe_problems, width_problem

APP_CSS = settings.BASE_DIR / "portfolio" / "static" / "css" / "app.css"
PAGE_JS = settings.BASE_DIR / "portfolio" / "static" / "js" / "page.js"
OLD_CHECK = "() => document.scrollingElement.scrollWidth - window.innerWidth"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
# A table of many AO cells, each with a hidden label: the cohort page's strip as it was.
CELLS = "".join(f'<td>AO{n}<span class="visually-hidden"> {n}0 %</span></td>' for n in range(1, 30))


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_a_hidden_label_past_the_edge_fails_the_check_though_innerwidth_saw_nothing(phone: Page) -> None:
    # The hidden labels and the phone's table as they were styled: absolutely positioned labels with no
    # positioned box to hold them, in a table made its own scroll box.
    style = (
        ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }"
        " table { display: block; overflow-x: auto; }"
    )
    html = f"<!doctype html><html><head>{VIEWPORT}<style>{style}</style></head><body>"
    html += f"<table><tr>{CELLS}</tr></table></body></html>"
    phone.set_content(html)
    assert phone.evaluate(OLD_CHECK) <= 1  # the old check: phone emulation widened innerWidth to the content
    problem = width_problem(phone)
    assert problem is not None
    assert "span.visually-hidden" in problem


def test_a_wide_table_in_its_scroll_box_with_the_apps_css_fits(phone: Page) -> None:
    html = f'<!doctype html><html><head>{VIEWPORT}</head><body><main><div class="table-scroll" tabindex="0">'
    html += f"<table><tr>{CELLS}</tr></table></div></main></body></html>"
    phone.set_content(html)
    phone.add_style_tag(path=str(APP_CSS))
    assert width_problem(phone) is None
    assert phone.evaluate("() => document.querySelector('.table-scroll').scrollWidth") > PHONE["width"]


def test_a_table_no_template_boxed_gets_a_named_focusable_scroll_box(phone: Page) -> None:
    html = f'<!doctype html><html lang="en"><head>{VIEWPORT}<title>Deliveries</title></head>'
    html += "<body><main><h1>Deliveries</h1>"
    html += f"<table><caption>Latest deliveries</caption><tr>{CELLS}</tr></table>"
    html += "<table><caption>Short</caption><tr><td>one cell</td></tr></table></main></body></html>"
    phone.set_content(html)
    phone.add_style_tag(path=str(APP_CSS))
    phone.add_script_tag(path=str(PAGE_JS))
    wide = phone.get_by_role("region", name="Latest deliveries")
    assert wide.get_attribute("tabindex") == "0"
    assert wide.locator("table").count() == 1
    # A table that fits gets the box but no tab stop.
    assert phone.locator(".table-scroll").count() == 2
    assert phone.locator(".table-scroll[tabindex]").count() == 1
    assert width_problem(phone) is None
    assert axe_problems(phone) == []
