"""What the browser tests and the screenshot script share: how Chromium is started, the two screen
sizes, a watch on every browser context (console errors, uncaught exceptions, requests to other
hosts), and small page helpers.

Chromium is Debian's (``apt-get install -y chromium``), never one Playwright downloads: the machines
that run the suite reach package registries only, and the browser is part of the system like the
database server.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Route, WebError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing that phones home: no updates, sync, field trials or first-run pages. The
# sandbox needs user namespaces that containers and CI runners often lack.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = (
    "Chromium is not installed at {path}: the browser tests need Debian's Chromium. Install it with "
    "`apt-get install -y chromium` (scripts/test.sh does when run as root), or point CHROMIUM at "
    "another Chromium binary. Playwright must not download one."
)

# Chinese is the site's language; the browser asks for it as a resident's phone would.
LOCALE = "zh-CN"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
# The smallest phone the pages are made for (375 px wide), held and touched like a phone.
PHONE: dict[str, Any] = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
# What a missing element or a page that never comes costs: a page of the live server takes a
# fraction of a second, but a busy CI machine running two workers can be ten times slower.
TIMEOUT_MS = 15_000

CASE_NUMBER = re.compile(r"\b(\d{4}-\d{6})\b")  # ``YYYY-NNNNNN`` (grassroots/cases/models.py)


def chromium_path() -> Path:
    """The Chromium binary, or an error that says how to install it (never a skip)."""
    path = Path(CHROMIUM)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise FileNotFoundError(MISSING.format(path=path))
    return path


def context_options(*, phone: bool, base_url: str) -> dict[str, Any]:
    return {**(PHONE if phone else DESKTOP), "locale": LOCALE, "base_url": base_url}


@dataclass
class Watch:
    """What went wrong in a browser context besides what a test asserts: console errors, uncaught
    exceptions, and requests to any host but the site's own (which are aborted, so a page that
    pulls a script from a CDN fails here instead of hanging on a network it cannot reach).

    ``allow(pattern)`` excuses console errors a test provokes on purpose (a 404 it expects)."""

    origin: str
    requests: list[str] = field(default_factory=list)  # every URL the context asked for
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        _watches[id(context)] = self
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        own = re.escape(self.origin.rstrip("/") + "/")
        # Matched by the driver: only requests to other hosts come back to Python.
        context.route(re.compile(rf"^(?!{own}|data:|blob:|about:)"), self._abort)

    def detach(self, context: BrowserContext) -> None:
        _watches.pop(id(context), None)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def take_problems(self) -> list[str]:
        """The problems so far, forgotten (for a test that provokes them on purpose)."""
        problems = self.problems()
        self.console_errors.clear()
        self.page_errors.clear()
        self.foreign_requests.clear()
        return problems

    def problems(self) -> list[str]:
        console = [m for m in self.console_errors if not any(p.search(m) for p in self.allowed)]
        return (
            [f"console error: {m}" for m in console]
            + [f"uncaught exception: {m}" for m in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
        )

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def _web_error(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    def _abort(self, route: Route, request: Request) -> None:
        self.foreign_requests.append(request.url)
        route.abort("blockedbyclient")


_watches: dict[int, Watch] = {}


def watch_of(page: Page) -> Watch:
    """The Watch of the page's context."""
    return _watches[id(page.context)]


# -- page helpers ----------------------------------------------------------------------------------


def password_of(username: str) -> str:
    """The password the test worlds give everyone (``conftest.make_user``)."""
    return "pw-" + username


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form, as a person would; waits for the page after it."""
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def switch_language(page: Page, code: str) -> None:
    """Use the language switch in the page's header (``zh-hans`` or ``en``); waits for the page to
    come back in that language."""
    with page.expect_navigation():
        page.locator(f"form.lang button[value='{code}']").click()
    page.wait_for_function("code => document.documentElement.lang === code", arg=code)


def expect_not_found(page: Page, path: str) -> None:
    """Open ``path`` and see "not found" (404), which is also what "not allowed" looks like; the
    browser's console error about that one response is expected."""
    response = page.goto(path)
    assert response is not None
    assert response.status == 404, f"{path}: expected 404, got {response.status}"
    watch_of(page).allow(re.escape(f"status of 404 (Not Found) ({response.url})"))


_STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let frame = e.parentElement;
    while (frame && frame !== document.body && !scrolls(frame)) frame = frame.parentElement;
    if (frame && frame !== document.body) continue;
    const name = e.tagName.toLowerCase() + [...e.classList].map(c => "." + c).join("");
    out.push(`${name} "${(e.innerText || "").trim().slice(0, 20)}" ends at ${Math.round(box.right)}px`);
  }
  return out;
}"""


def sticking_out(page: Page) -> list[str]:
    """What the page draws beyond the right edge of the screen (cut off, or a sideways scroll on a
    phone), except inside frames that scroll themselves (``.table-wrap``): empty when it fits."""
    result: list[str] = page.evaluate(_STICKING_OUT)
    return result


def read_case_number(page: Page) -> str:
    """The case number the page shows: the element marked ``data-case-number`` if there is one (pages
    that show a case should mark it), else the only ``YYYY-NNNNNN`` in the main content."""
    marked = page.locator("[data-case-number]")
    if marked.count():
        return marked.first.get_attribute("data-case-number") or marked.first.inner_text().strip()
    numbers = sorted(set(CASE_NUMBER.findall(page.locator("main").inner_text())))
    if len(numbers) != 1:
        raise AssertionError(f"expected one case number on {page.url}, found {numbers or 'none'}")
    return numbers[0]
