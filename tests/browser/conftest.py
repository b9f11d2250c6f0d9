"""Fixtures of the real-browser suite: one headless Chromium per session, watched pages.

Every page opened through `pages` records its console errors (CSP violations among
them), uncaught page errors and dialogs; tests assert there are none. Screenshots
go to test-artifacts/screenshots/ under the project root, printed at the end of
the run so a CI log says where they are.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS, ROOT, SCREENSHOTS
from tests.servers import Server

_screenshots_taken: list[Path] = []


def _unavailable(reason: str) -> None:
    """Fail where a browser is required (CI, or WORKSHOP_REQUIRE_BROWSER=1), else skip."""
    if os.environ.get("WORKSHOP_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        pytest.fail(f"{reason} (the browser tests are required here)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Return one headless Debian Chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is missing: pip install -r requirements-dev.txt")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # the folder shows the latest run only
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Browser contexts opened by one test, with everything that went wrong in them."""

    def __init__(self, browser: Any, folder: Path) -> None:
        self.browser = browser
        self.folder = folder
        self.contexts: list[Any] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.shots = 0

    def open(self, label: str, url: str | None = None, **context_options: Any) -> Any:
        """Open a page in a context of its own (its own storage, like another device)."""
        context = self.browser.new_context(**context_options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        context.on("page", lambda page: self.watch(page, label))
        page = context.new_page()
        if url:
            page.goto(url)
        return page

    def watch(self, page: Any, label: str) -> None:
        """Record the page's console errors, uncaught errors and dialogs."""

        def console(message: Any) -> None:
            if message.type == "error":
                where = message.location.get("url", "") if message.location else ""
                self.problems.append(f"{label}: console error: {message.text} [{where}]")

        def dialog(box: Any) -> None:
            self.dialogs.append(f"{label}: {box.type} dialog: {box.message!r}")
            box.dismiss()

        page.on("console", console)
        page.on("pageerror", lambda error: self.problems.append(f"{label}: page error: {error}"))
        page.on("dialog", dialog)

    def errors(self, ignore: tuple[str, ...] = ()) -> list[str]:
        """Return the recorded problems, less those containing one of `ignore`."""
        return [p for p in self.problems if not any(i in p for i in ignore)]

    def assert_clean(self, ignore: tuple[str, ...] = ()) -> None:
        """Assert no page logged a console error, threw, or opened a dialog."""
        found = self.errors(ignore)
        counted = [f"{found.count(p)} x {p}" for p in dict.fromkeys(found)]
        assert not found, "console or page errors:\n" + "\n".join(counted)
        assert not self.dialogs, "dialogs opened:\n" + "\n".join(self.dialogs)

    def _next(self, name: str) -> Path:
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        _screenshots_taken.append(path)
        return path

    def shot(self, page: Any, name: str, full_page: bool = True) -> Path:
        """Save a screenshot of the page into this test's screenshot folder."""
        path = self._next(name)
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def shot_element(self, locator: Any, name: str) -> Path:
        """Save a screenshot of one element (for example the QR code to decode)."""
        path = self._next(name)
        locator.screenshot(path=str(path))
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Any, request: pytest.FixtureRequest) -> Iterator[Pages]:
    """Return a Pages for this test; its screenshots go to a folder named after it."""
    module = request.node.module.__name__.rsplit(".", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    opened = Pages(browser, SCREENSHOTS / module / name)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server (run.py, no --demo) shared by the tests of a module."""
    server = Server(tmp_path_factory.mktemp("module-server")).start()
    yield server
    server.stop()


@pytest.fixture
def shared_server(module_server: Server, request: pytest.FixtureRequest) -> Server:
    """Return the module's server; a failing test prints its output (see tests/conftest.py)."""
    request.node.started_servers = [module_server]  # type: ignore[attr-defined]
    return module_server


@pytest.fixture
def expect() -> Callable[..., Any]:
    """Return Playwright's expect with a timeout that suits a 2-core machine."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=10_000)
    return playwright_expect


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where the screenshots are."""
    if _screenshots_taken:
        folder = SCREENSHOTS.relative_to(ROOT)
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(
            f"{len(_screenshots_taken)} screenshots in {SCREENSHOTS} ({folder}/ in the project)"
        )
