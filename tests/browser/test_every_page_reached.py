"""Every page each role can reach, found by following links from the start page rather than listed by hand,
so a page added later is checked the day it is linked: status 200, one h1, every control named, no wider
than a 390 px phone, and no serious or critical axe-core finding.

The crawl is read-only (GET, links only) and bounded: same origin, no sign-out, downloads or file previews,
Django admin or API, at most MAX_PAGES pages, depth MAX_DEPTH, and at most PER_PATTERN pages of one shape
(`/evidence/<id>/`).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import EvidenceFile
from portfolio.notify.models import Notification
from portfolio.standards.services import standard_import
from portfolio.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.browser.checks import page_problems, signed_in_context
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.factories import EvidenceFactory, EvidenceFileFactory, make_world
from tests.standards.conftest import api_document, plan_text

MAX_PAGES = 30
MAX_DEPTH = 3
PER_PATTERN = 2
SKIP = re.compile(r"^/(admin|api|uploads)/|^/accounts/logout/|/(download|preview)/|^/static/")  # previews: file bytes
SKIP_QUERY = {"format"}  # ?format=csv: a download
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ROLES = ["apprentice", "line_manager", "assessor", "admin"]  # a tutor sees what an assessor sees
# Pages kept as phone screenshots for a person to look at (test-artifacts/screenshots/phone-<name>.png).
PICTURED = {
    "/cohort/": "cohort",
    "/cohort/heatmap/": "heatmap",
    "/progress/<id>/": "progress",
    "/settings/webhooks/": "webhooks",
}


@pytest.fixture
def busy_world(transactional_db: None) -> Any:
    """One apprenticeship with something in every state, so each page has rows to show: evidence at each step,
    a rejected file, coverage, notifications, a webhook endpoint with a long failure."""
    standard = standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297")).standard
    assert standard is not None
    world = make_world(standard=standard)
    apprenticeship = world.apprenticeship
    EvidenceFactory.create(apprenticeship=apprenticeship, title="Draft site survey", tags=("K1",))
    rejected = EvidenceFactory.create(apprenticeship=apprenticeship, title="Lifting plan", tags=("K2",), files=0)
    EvidenceFileFactory.create(evidence=rejected, state=EvidenceFile.State.REJECTED, original_name="lifting-plan.exe")
    EvidenceFactory.create(apprenticeship=apprenticeship, state="submitted", tags=("K1", "S2"), title="Rigging check")
    EvidenceFactory.create(apprenticeship=apprenticeship, state="confirmed", tags=("K3",), title="Toolbox talk")
    EvidenceFactory.create(apprenticeship=apprenticeship, state="returned", tags=("S1",), title="Crane log")
    EvidenceFactory.create(apprenticeship=apprenticeship, state="accepted", tags=("K4", "S3"), title="Sling test")
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
    for person in (world.apprentice, world.line_manager, world.assessor, world.tutor, world.admin):
        Notification.objects.create(
            recipient=person, kind="evidence.returned", title="Crane log was returned", link="/evidence/"
        )
    endpoint = WebhookEndpoint.objects.create(
        provider=world.provider, url="https://hooks.example.org/a/rather/long/path/to/the/receiver", secret="s" * 40
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="readiness.ready",
        event_id="00000000-0000-0000-0000-000000000001",
        payload={},
        attempts=3,
        status=WebhookDelivery.Status.FAILED,
        last_response_code=502,
        last_error="ConnectionRefusedError: the receiver at hooks.example.org did not answer within ten seconds",
        next_attempt_at=timezone.now(),
    )
    return world


def shape(path: str, query: str) -> str:
    """What a page is, regardless of which record: `/evidence/<id>/?page`."""
    keys = sorted({key for key, _ in parse_qsl(query)})
    return UUID.sub("<id>", path) + ("?" + "&".join(keys) if keys else "")


def links(page: Page, origin: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(a => a.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        if SKIP_QUERY & {key for key, _ in parse_qsl(parts.query)}:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(page: Page, origin: str, axed: set[str]) -> tuple[list[str], list[str]]:
    """The pages reached from the start page and every problem found on them. axe-core runs once per shape
    of page across the roles (`axed`): on a long page it takes seconds, and what differs between roles on one
    page (its links and buttons) is checked on every visit by the other checks."""
    queue: deque[tuple[str, int]] = deque([("/", 0)])
    seen = {"/"}
    shapes: Counter[str] = Counter()
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path, depth = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        visited.append(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response.status if response else 'none'}")
            continue
        landed = urlsplit(page.url)
        if f"{landed.scheme}://{landed.netloc}" != origin or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue  # a file shown inline (an image, a PDF) or a link to storage: not a page of ours
        # Shaped by where the page landed: /progress/ redirects to the apprentice's own /progress/<id>/.
        seen.add(landed.path + (f"?{landed.query}" if landed.query else ""))
        kind = shape(landed.path, landed.query)
        if kind in PICTURED and kind not in axed:
            screenshot(page, f"phone-{PICTURED[kind]}")
        problems.extend(page_problems(page, phone=True, axe=kind not in axed))
        axed.add(kind)
        if depth == MAX_DEPTH:
            continue
        for link in links(page, origin):
            parts = urlsplit(link)
            kind = shape(parts.path, parts.query)
            if link in seen or shapes[kind] >= PER_PATTERN:
                continue
            seen.add(link)
            shapes[kind] += 1
            queue.append((link, depth + 1))
    return visited, problems


def start_page_at_a_desk(browser: Browser, base_url: str, user: Any, name: str) -> list[str]:
    """The start page at desk size: its screenshot, and the checks again (axe too: the layout differs)."""
    context = signed_in_context(browser, base_url, user, phone=False)
    page = context.new_page()
    page.goto("/")
    screenshot(page, f"start-{name}-desk")
    problems = page_problems(page, phone=False)
    context.close()
    return problems


def test_every_page_each_role_reaches_passes_the_checks(
    busy_world: Any, browser: Browser, live_server: Any, insecure_cookies: None
) -> None:
    """Each role's crawl at phone size from its start page, and its start page at a desk; the start pages are
    saved as screenshots at both sizes (test-artifacts/screenshots/start-<role>-<phone|desk>.png)."""
    # One world for all the roles: building and emptying it costs more than crawling.
    problems: list[str] = []
    axed: set[str] = set()
    for role in ROLES:
        user, name = getattr(busy_world, role), role.replace("_", "-")
        context = signed_in_context(browser, live_server.url, user, phone=True)
        page = context.new_page()
        page.goto("/")
        screenshot(page, f"start-{name}-phone")
        visited, found = crawl(page, live_server.url, axed)
        context.close()
        print(f"{role} reached {len(visited)} pages: {visited}")
        # A crawl that finds nothing proves nothing: every role has a handful of pages linked from its start page.
        assert len(visited) >= 5, f"{role} reached only {visited}"
        problems.extend(f"{role}: {problem}" for problem in found)
        problems.extend(
            f"{role} at a desk: {problem}" for problem in start_page_at_a_desk(browser, live_server.url, user, name)
        )
        for size in ("phone", "desk"):
            assert (SCREENSHOTS / f"start-{name}-{size}.png").stat().st_size > 0
    assert problems == [], "\n".join(problems)
