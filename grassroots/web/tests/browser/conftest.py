"""Browser tests: the pages driven in a real, headless Chromium (Debian's) through Playwright.

Every test in this directory is marked ``browser`` and runs in the normal suite, also under
``-n 2`` (each worker has its own live server and its own browser; each test its own contexts).

    page_for(who, phone=False, language=None)
                   → a blank page in a context of its own, signed in as a persona of the ledger
                     world (``"community_worker2"``…: ``everyone``), as a given user, or as nobody
                     (``None``); Chinese unless ``language="en"``; ``page.goto("/survey/")``
    new_context(phone=False, language=None)
                   → a fresh browser context (desktop 1280×800, or a 375×812 touch phone)
    live_server    the site, served by threads of this worker
    demo_like      the ledger world with a case at each stage
    chromium       the worker's browser (``chromium.browser``)

Every context is watched (``harness.Watch``): a console error, an uncaught exception or a request
to any host but the live server fails the test when it ends, unless the test excused it
(``harness.watch_of(page).allow(…)``, ``harness.expect_not_found``). Helpers in ``harness.py``:
``sign_in`` (through the form), ``switch_language``, ``expect_not_found``, ``read_case_number``,
``password_of``.

Database: the request threads see only committed data, so every test here is transactional
(pytest-django's helper makes it so for any test using ``live_server``), flushed afterwards. On
PostgreSQL that is all. On SQLite the in-memory test database is one connection, which
pytest-django's live server shares between the test's thread and every request thread at once,
with one transaction state between them (two requests of one page, an htmx call beside a page
load, would interleave their transactions). Instead each test gets the root conftest's
``threads_db``: the schema copied into a file database (WAL, busy timeout, IMMEDIATE
transactions, as in production) that the test and every request thread open connections of
their own to.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client
from django.urls import get_resolver
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django import live_server_helper

from grassroots.core.models import User
from grassroots.web.tests.browser import harness
from grassroots.web.tests.browser.harness import Watch


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.browser)


# -- the site --------------------------------------------------------------------------------------


class RequestThreads(ThreadedWSGIServer):
    """Each request in a thread of its own with a connection of its own; ``connect`` (set per test)
    points that connection at the test's database."""

    connect: Callable[[], None] | None = None

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        if self.connect is not None:
            self.connect()
        super().process_request_thread(request, client_address)


class LiveServer(live_server_helper.LiveServer):
    """pytest-django's live server, sharing no database connection with the test's thread."""

    def __init__(self, addr: str) -> None:
        super().__init__(addr, start=False)
        self.thread.connections_override = {}
        self.thread.server_class = RequestThreads
        self.start()

    def connect_requests(self, connect: Callable[[], None] | None) -> None:
        httpd = self.thread.httpd
        assert isinstance(httpd, RequestThreads)
        httpd.connect = connect


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """Overrides pytest-django's (same options, and its helper still makes every test using it
    transactional); 127.0.0.1 rather than ``localhost`` spares Chromium a try at ::1."""
    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "127.0.0.1"
    )
    server = LiveServer(addr)
    get_resolver().url_patterns  # noqa: B018 (imports every page's module now, not in a test's first request)
    yield server
    server.stop()


# -- the browser -----------------------------------------------------------------------------------


class Chromium:
    """One browser per worker (a session fixture; each xdist worker is a session).

    Playwright's sync API runs its event loop in this thread and marks it as running between its
    calls (its own code runs here and needs it). Under that mark Django refuses database work
    (SynchronousOnlyOperation), keeps the thread's connections apart (asgiref's thread-critical
    locals become context variables) and ``asyncio.run`` refuses to start. So the mark is there
    only during a browser test (``turn``), with the thread's connections carried under it and
    Django's check off: the loop is Playwright's, waiting for the next call, and no coroutine
    touches the database. The worker's other tests run as if there were no browser."""

    def __init__(self) -> None:
        path = harness.chromium_path()
        self.playwright: Playwright = sync_playwright().start()
        self.loop = asyncio.events._get_running_loop()
        try:
            self.browser: Browser = self.playwright.chromium.launch(
                executable_path=path, args=harness.CHROMIUM_ARGS
            )
        except BaseException:
            self.playwright.stop()
            raise
        finally:
            asyncio.events._set_running_loop(None)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        own = {alias: connections[alias] for alias in connections}
        asyncio.events._set_running_loop(self.loop)
        try:
            for alias, connection in own.items():
                connections[alias] = connection
            with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}):
                yield
        finally:
            for alias in own:  # leave no closed connection behind for later coroutines here
                with contextlib.suppress(AttributeError):
                    del connections[alias]
            asyncio.events._set_running_loop(None)

    def close(self) -> None:
        with self.turn():
            self.browser.close()
            self.playwright.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """Missing Chromium fails every browser test with how to install it: nothing is skipped."""
    try:
        harness.chromium_path()
    except FileNotFoundError as exc:
        missing = str(exc)
    else:
        missing = ""
    if missing:
        pytest.fail(missing, pytrace=False)
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _browser_test(chromium: Chromium, threads_db: Any, live_server: LiveServer) -> Iterator[None]:
    """Set up first in every browser test: the browser, and the test's database shared with the live
    server's request threads before any world fixture writes to it."""

    def connect() -> None:
        threads_db.use()
        _without_fsync()

    _without_fsync()
    live_server.connect_requests(connect)
    try:
        with chromium.turn():
            yield
    finally:
        live_server.connect_requests(None)


def _without_fsync() -> None:
    """SQLite's file database waits for the disk at every commit (synchronous=FULL, as in
    production), which triples the time a world fixture takes; a test's database needs no
    durability."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")


# -- contexts and pages ----------------------------------------------------------------------------


@pytest.fixture
def new_context(chromium: Chromium, live_server: LiveServer) -> Iterator[Callable[..., BrowserContext]]:
    """``new_context(phone=False, language=None)`` → a fresh context (no cookies) watched for errors;
    closed, and its watch checked, when the test ends."""
    opened: list[tuple[BrowserContext, Watch]] = []

    def make(*, phone: bool = False, language: str | None = None) -> BrowserContext:
        context = chromium.browser.new_context(
            **harness.context_options(phone=phone, base_url=live_server.url)
        )
        context.set_default_timeout(harness.TIMEOUT_MS)
        watch = Watch(origin=live_server.url)
        watch.attach(context)
        if language is not None:
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
        opened.append((context, watch))
        return context

    yield make
    problems = []
    for context, watch in opened:
        watch.detach(context)
        context.close()
        problems += watch.problems()
    if problems:
        pytest.fail("the browser saw:\n  " + "\n  ".join(problems), pytrace=False)


def sign_in_by_cookie(context: BrowserContext, user: User, url: str) -> None:
    """Signed in as Django's test client signs in (a session in the database), the session cookie
    handed to the browser: a tenth of the time of the form, which has its own test."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url, "httpOnly": True}])


@pytest.fixture
def page_for(
    request: pytest.FixtureRequest, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> Callable[..., Page]:
    """``page_for("grid_manager_x", phone=True)`` → a blank page in a context of its own, signed in
    as that persona of the ledger world (``everyone``), or as the given user, or nobody (``None``)."""

    def make(who: str | User | None, *, phone: bool = False, language: str | None = None) -> Page:
        context = new_context(phone=phone, language=language)
        if who is not None:
            user = request.getfixturevalue("everyone")[who] if isinstance(who, str) else who
            sign_in_by_cookie(context, user, live_server.url)
        return context.new_page()

    return make


@pytest.fixture
def demo_like(ledger: SimpleNamespace, bring: SimpleNamespace) -> SimpleNamespace:
    """The ledger world with a case at each stage, brought there through the actions by the people
    who would act (``cases.tests.conftest.bring``): ``demo_like.cases`` by stage. All 小事 about
    household X in grid X unless said otherwise."""
    ledger.cases = SimpleNamespace(
        registered=bring.registered(title="楼道灯不亮"),
        triaged=bring.triaged(title="井盖松动"),
        at_community=bring.in_progress("community", title="垃圾清运不及时"),
        at_grid=bring.routed("grid", title="小区路灯坏了"),
        resolved=bring.resolved("community", title="楼道堆放杂物"),
        awaiting_rating=bring.awaiting_rating(title="单元门禁损坏"),
        closed=bring.closed(title="绿化带缺水"),
        on_the_spot=bring.on_the_spot(title="路边垃圾"),
        at_department=bring.at_department(title="道路塌陷"),
        in_grid_y=bring.registered(
            title="健身器材损坏",
            actor=ledger.grid_manager_y,
            household=ledger.household_y,
            reporter=ledger.resident_b,
        ),
    )
    return ledger
