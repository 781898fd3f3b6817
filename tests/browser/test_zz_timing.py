import time
from typing import Any
from playwright.sync_api import Browser
from tests.browser import checks
from tests.browser.checks import PHONE
from tests.browser.conftest import sign_in
from tests.browser.test_every_page_reached import busy_world  # noqa: F401
from tests.factories import PASSWORD

def test_timing(busy_world: Any, browser: Browser, live_server: Any, insecure_cookies: None) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, busy_world.assessor.email, PASSWORD)
    for path in ["/", "/cohort/", f"/progress/{busy_world.apprenticeship.public_id}/", "/standards/ST1297/2.0/", "/notifications/"]:
        t0 = time.monotonic(); page.goto(path); t1 = time.monotonic()
        page.evaluate(checks.UNNAMED_CONTROLS); checks.width_problem(page); t2 = time.monotonic()
        page.evaluate(checks._axe.axe_script); t3 = time.monotonic()
        page.evaluate("axe.run({resultTypes: ['violations']})"); t4 = time.monotonic()
        page.evaluate("axe.run({resultTypes: ['violations'], runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"); t5 = time.monotonic()
        print(path, f"goto {t1-t0:.2f} checks {t2-t1:.2f} inject {t3-t2:.2f} axe {t4-t3:.2f} axe-wcag {t5-t4:.2f}")
