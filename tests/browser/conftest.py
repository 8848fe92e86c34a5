"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

No browser is ever downloaded (`playwright install` is not used); the tests
drive the distribution's package, `/usr/bin/chromium`. Without it the tests
are skipped on a developer machine and fail on CI (env ``CI=true``).

Every test in this directory is marked ``browser`` automatically; select or
deselect them with ``-m browser`` / ``-m "not browser"``.

Playwright's sync API keeps an asyncio loop running in the test thread from
the moment it starts until it stops, and Django refuses ORM calls from a
thread with a running loop unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set. That
variable must not leak into the rest of the suite (``check --deploy`` run in
a subprocess reports it as an error, and it disables Django's async safety
checks), so: the browser tests are moved to the end of the run, and the
variable is set only when the session's browser starts (and removed when it
stops).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The portal's users: Simplified Chinese browsers in China.
LOCALE = "zh-CN"
TIMEZONE = "Asia/Shanghai"
TIMEOUT_MS = 15_000

HERE = Path(__file__).resolve().parent


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    # Mark this directory's tests `browser` and run them last (see above).
    browser_items = [item for item in items if _is_browser_test(item)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items:
        items[:] = [item for item in items if not _is_browser_test(item)] + browser_items


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can tell a failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig) -> Path:
    """`test-artifacts/` at the project root (gitignored): screenshots."""
    path = Path(pytestconfig.rootpath) / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not os.path.exists(CHROMIUM):
        reason = (
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium and a CJK font; "
            "install them with `apt-get install chromium fonts-wqy-microhei`"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # From here on an event loop runs in this thread (see the module docstring).
    set_here = "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if set_here:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


def _new_page(request, browser, live_server, artifacts_dir, **context_options):
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALE,
        timezone_id=TIMEZONE,
        **context_options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            # A screenshot that cannot be taken must not mask the failure.
            with contextlib.suppress(Exception):
                page.screenshot(
                    path=str(artifacts_dir / f"FAILED-{_slug(request.node.nodeid)}.png"),
                    full_page=True,
                )
        context.close()


@pytest.fixture
def page(request, browser, live_server, transactional_db, artifacts_dir) -> Iterator:
    """A desktop page (1280x800) whose relative URLs go to the live server."""
    yield from _new_page(request, browser, live_server, artifacts_dir, viewport=DESKTOP)


@pytest.fixture
def phone_page(request, browser, live_server, transactional_db, artifacts_dir) -> Iterator:
    """A phone-sized page (390x844, mobile, touch) on the live server."""
    yield from _new_page(
        request,
        browser,
        live_server,
        artifacts_dir,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
