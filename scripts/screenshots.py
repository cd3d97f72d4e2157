"""Screenshots of the main pages for docs/screenshots/ (shown in the README), on demand.

    .venv/bin/python scripts/screenshots.py                # every page in SHOTS
    .venv/bin/python scripts/screenshots.py home survey    # some of them
    .venv/bin/python scripts/screenshots.py --fresh        # generate the demo district again first

Loads the demo district (``manage.py demo``) into a database of its own (``var/screenshots/``,
kept between runs: the first run takes a minute, later ones seconds), serves it with
``manage.py runserver`` on a free port, signs in through the form as the demo accounts
(docs/demo.md) and saves each page at desktop size and phone size as
``docs/screenshots/<name>-desktop.png`` and ``<name>-phone.png``. The browser is Debian's Chromium,
started as the browser tests start it (grassroots/web/tests/browser/harness.py), and needs a
Chinese font (``apt-get install -y fonts-noto-cjk``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from grassroots.web.tests.browser import harness  # noqa: E402

DEMO_PASSWORD = "demo12345"  # noqa: S105 (docs/demo.md: the local demo's published password)


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    who: str | None  # a demo account (docs/demo.md), or None for a visitor
    sizes: tuple[str, ...] = ("desktop", "phone")
    full_page: bool = False  # the whole page rather than the first screen
    wait_for: str = ""  # a selector that shows the page has drawn (maps, charts)
    follow: str = ""  # then follow the first link matching this selector (a case from a list)


# Add a page here when it is built (name, path, who sees it best).
SHOTS = [
    Shot("login", "/login/", None),
    Shot("home-community-worker", "/", "demo_community_staff"),
    Shot("home-resident", "/", "demo_resident", sizes=("phone",)),
    Shot("survey-district", "/survey/", "demo_district_admin"),
    Shot("workbench", "/workbench/", "demo_community_staff"),
    Shot(
        "case",
        "/workbench/",
        "demo_community_staff",
        follow="main a[href^='/cases/2']",
        wait_for=".leaflet-container",
    ),
    Shot("new-case", "/cases/new/", "demo_community_staff"),
    Shot("quick-report", "/m/report/", "demo_grid_manager", sizes=("phone",), wait_for=".leaflet-container"),
    Shot("portal", "/my/", "demo_resident", sizes=("phone",)),
    Shot("portal-report", "/my/report/", "demo_resident", sizes=("phone",)),
    Shot("map", "/map/", "demo_district_admin", wait_for=".leaflet-container path"),
    Shot("board", "/board/", "demo_district_admin", wait_for="[_echarts_instance_] svg"),
    Shot("jobs", "/jobs/", "demo_district_admin"),
    Shot("problems", "/problems/", "demo_community_staff"),
    Shot("problem", "/problems/", "demo_community_staff", follow="ol.candidates a", full_page=True),
]


def require_chinese_font() -> None:
    """Without a CJK font Chromium draws every Chinese character as a box."""
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    if not fonts.stdout.strip():
        raise SystemExit("No Chinese font for Chromium: apt-get install -y fonts-noto-cjk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the development server stopped; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the development server did not answer within 30 s; see {log}")


def take(browser: Browser, base_url: str, shot: Shot, out: Path) -> list[Path]:
    written = []
    for size in shot.sizes:
        context = browser.new_context(**harness.context_options(phone=size == "phone", base_url=base_url))
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            if shot.who is not None:
                harness.sign_in(page, shot.who, DEMO_PASSWORD)
                if "/login/" in page.url:
                    raise SystemExit(f"{shot.who} could not sign in (is the demo loaded with DEBUG on?)")
            response = page.goto(shot.path, wait_until="networkidle")
            if response is None or response.status != 200:
                status = response.status if response is not None else "no response"
                raise SystemExit(f"{shot.name}: {shot.path} answered {status}")
            if shot.follow:
                page.locator(shot.follow).first.click()
                page.wait_for_load_state("networkidle")
            if shot.wait_for:
                page.locator(shot.wait_for).first.wait_for()
            target = out / f"{shot.name}-{size}.png"
            page.screenshot(path=str(target), full_page=shot.full_page)
            written.append(target)
        finally:
            context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="shots to take (default: all)")
    parser.add_argument("--fresh", action="store_true", help="delete the demo database and load it again")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()

    known = {shot.name: shot for shot in SHOTS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown shots {unknown}; known: {', '.join(known)}")
    shots = [known[name] for name in args.names] if args.names else SHOTS
    chromium = harness.chromium_path()
    require_chinese_font()

    if args.fresh and args.var_dir.exists():
        shutil.rmtree(args.var_dir)
    args.var_dir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    # A database of its own (SQLite in var_dir), with the demo accounts' password (DEBUG on).
    env = {**os.environ, "GRASSROOTS_VAR_DIR": str(args.var_dir), "DATABASE_URL": "", "DEBUG": "1"}
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "demo", "--quiet")

    failed: list[str] = []
    port = free_port()
    server = serve(env, port, args.var_dir / "runserver.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=harness.CHROMIUM_ARGS)
            for shot in shots:
                try:
                    written = take(browser, f"http://127.0.0.1:{port}", shot, args.out)
                except (PlaywrightError, SystemExit) as exc:
                    failed.append(f"{shot.name}: {str(exc).splitlines()[0]}")
                    continue
                for path in written:
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failed:
        raise SystemExit("not taken:\n  " + "\n  ".join(failed))


if __name__ == "__main__":
    main()
