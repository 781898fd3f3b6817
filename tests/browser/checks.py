"""The checks every page must pass in the browser, shared by the role tests and the crawler: one h1, every
control named, no wider than a phone, no serious or critical axe-core finding."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1366, "height": 900}

UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.innerText.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""

# Measured against the phone's 390 px itself: under phone emulation Chromium widens innerWidth (and the layout
# viewport) to the content, so comparing scrollWidth with innerWidth can never fail.
PAGE_WIDTH = "() => document.documentElement.scrollWidth"

# The elements that reach past the limit, for a message a person can act on. An element inside a box that
# scrolls or clips and itself fits is fine (a wide table in its own scroll box), unless the element is
# positioned absolutely against something outside that box: then the box does not hold it.
WIDE_ELEMENTS = """(limit) => {
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const lifted = style => style.position === 'absolute' || style.position === 'fixed';
  const held = el => {
    let needsPositioned = lifted(getComputedStyle(el));
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      const clips = style.overflowX !== 'visible' && p.getBoundingClientRect().right <= limit + 1;
      if (needsPositioned) {
        if (style.position === 'static') continue;
        needsPositioned = lifted(style);
      }
      if (clips) return true;
    }
    return false;
  };
  // How far an element reaches: its box, or its content when that spills out of a box that does not clip.
  const reach = el => {
    const box = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === 'visible' ? box.left + el.scrollWidth : 0;
    return Math.max(box.right, spills);
  };
  const wide = [...document.body.querySelectorAll('*')].filter(el => reach(el) > limit + 1 && !held(el));
  // The innermost ones are to blame; their ancestors only carry them.
  return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
    .slice(0, 8).map(el => `${name(el)} reaches ${Math.round(reach(el))} px`);
}"""

_axe = Axe()
SERIOUS = {"serious", "critical"}


def page_width(page: Page) -> int:
    return int(page.evaluate(PAGE_WIDTH))


def width_problem(page: Page, limit: int = PHONE["width"]) -> str | None:
    """None when the page fits `limit` px; otherwise what is too wide, by how much and which elements."""
    width = page_width(page)
    if width <= limit:
        return None
    return f"{page.url} is {width} px wide, more than {limit}: {page.evaluate(WIDE_ELEMENTS, limit)}"


def axe_problems(page: Page) -> list[str]:
    """The serious and critical axe-core violations of the page as it stands, one line each."""
    results: Any = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} at {targets}")
    return found


def page_problems(page: Page, *, phone: bool, axe: bool = True) -> list[str]:
    """Every failed check of the page at hand (axe-core's only when `axe`: it takes seconds on a long page)."""
    problems = []
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{page.url}: {headings} h1 elements, not one")
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    if unnamed:
        problems.append(f"{page.url}: controls without a name: {unnamed}")
    if phone and (too_wide := width_problem(page)):
        problems.append(too_wide)
    if axe:
        problems.extend(axe_problems(page))
    return problems


def signed_in_context(browser: Browser, base_url: str, user: Any, *, phone: bool) -> BrowserContext:
    """A browser already signed in as `user` (a session made the way Django's test client makes one): the
    sign-in form itself is tested in test_sign_in.py, and going through it for every role costs seconds."""
    client = Client()
    client.force_login(user)
    viewport = PHONE if phone else DESK
    context = browser.new_context(base_url=base_url, viewport=viewport, is_mobile=phone, has_touch=phone)
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "domain": urlsplit(base_url).hostname or "", "path": "/"}]
    )
    return context
