"""Helpers for driving the running app in a real browser: page discovery, waiting, checks.

Kept out of conftest.py so tests can import them:
``from tests.e2e.streamlit_helpers import open_app_page, assert_page_healthy``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.navigation import PAGE_TABLE

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = REPO_ROOT / "app.py"
PAGES_DIR = REPO_ROOT / "pages"
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT_S = 90
APP_RUN_TIMEOUT_MS = 60_000
CHART_RENDER_TIMEOUT_MS = 20_000

# The browsers every page is looked at in: a desktop window and a phone (iPhone 12–15: 390 × 844
# CSS px, touch, Safari's user agent — its "Mobi" is what lays charts out for a phone). Each is
# the keyword arguments of Playwright's Browser.new_context.
IPHONE_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
DEVICES = {
    "desktop": {"viewport": {"width": 1400, "height": 900}},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "user_agent": IPHONE_USER_AGENT,
        "is_mobile": True,
        "has_touch": True,
    },
}

# data-testid values of streamlit 1.67's frontend (site-packages/streamlit/static).
APP_ROOT = '[data-testid="stApp"]'
MAIN_BLOCK = '[data-testid="stMainBlockContainer"]'
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
VEGA_CHART = '[data-testid="stVegaLiteChart"]'


@dataclass(frozen=True)
class AppPage:
    """One page of the app: a name for test ids and screenshots, and its URL path."""

    name: str
    url_path: str  # "" for the home page


def page_url_path(script: Path) -> str:
    """URL path the app serves a ``pages/`` script under, without the leading slash.

    ``pages/1_Bandit_derivation.py`` -> ``Bandit_derivation``, from ui.navigation's page table
    (each path is set there explicitly, as Streamlit's pages/ directory used to name it).
    """
    for app_page in PAGE_TABLE:
        if app_page.script == script.name:
            return app_page.url_path
    raise KeyError(f"{script} is not in ui.navigation.PAGE_TABLE")


def discover_pages() -> list[AppPage]:
    """The home page, then every page whose script exists, in the sidebar's order."""
    return [
        AppPage(page.url_path or "home", page.url_path)
        for page in PAGE_TABLE
        if page.path.is_file()
    ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, …), from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def running(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie (dead, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_streamlit(
    port: int, log_path: Path, root: Path = REPO_ROOT, script: str = APP_SCRIPT.name
) -> subprocess.Popen:
    """Start ``streamlit run app.py`` headless on ``port`` in its own process group (the app
    of the checkout at `root`: bench/load.py measures another commit's copy this way), or
    another `script` of that checkout, by its path inside it, with the app's config."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def wait_for_health(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Block until ``/_stcore/health`` answers ok; raise if the server dies or is too slow."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before answering; "
                f"its log:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(
        f"streamlit did not answer {base_url}/_stcore/health within {SERVER_START_TIMEOUT_S} s; "
        f"its log:\n{log_path.read_text(errors='replace')}"
    )


def stop_process_group(process: subprocess.Popen) -> None:
    """Terminate the process and its group, then kill whatever is left after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def served_app(port: int, log_path: Path) -> Iterator[tuple[str, Browser]]:
    """`streamlit run app.py` on `port` (log in `log_path`) and a headless Chromium: yields
    (base URL, browser); both are stopped on exit."""
    server = start_streamlit(port, log_path)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, server, log_path)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            try:
                yield base_url, browser
            finally:
                browser.close()
    finally:
        stop_process_group(server)


def app_url(base_url: str, url_path: str = "", query: dict[str, object] | None = None) -> str:
    """Full URL of a page, with optional query parameters (for deep links)."""
    url = f"{base_url}/{url_path.strip('/')}"
    if query:
        url += "?" + urlencode({k: str(v) for k, v in query.items()})
    return url


# True once the script has run to the end and every element is drawn (see wait_for_app_idle).
APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute('data-test-script-state');
    return (state === 'notRunning' || state === 'compilationError')
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && document.querySelector('[data-testid="stMainBlockContainer"]') !== null
        && document.querySelector('[data-testid="stStatusWidget"]') === null
        && document.querySelector('[data-testid="stSkeleton"]') === null
        && document.querySelector('[class*="st-key-deferred-pending"]') === null;
}"""


def wait_for_app_idle(page: Page, timeout_ms: int = APP_RUN_TIMEOUT_MS) -> None:
    """Wait until the script has run to the end and every element has been drawn.

    The script is done when stApp's script state is ``notRunning`` (or ``compilationError``)
    and the status widget is gone. Charts and other lazily loaded elements first show a
    ``stSkeleton`` placeholder and mount a moment later, so also wait for no skeleton; and a
    page's lower sections, on the run that opens it, come in a second run (ui.deferred), so
    also wait for no placeholder of theirs.
    """
    page.wait_for_function(APP_IDLE_JS, timeout=timeout_ms)


class ScriptRuns:
    """The script runs the server reports finished to one page: each run ends with a ForwardMsg
    `script_finished` on the page's websocket. stApp's script-state attribute cannot count runs:
    React draws a state only if it lasts a frame, so a fast rerun (a fragment on a cached value)
    goes running → notRunning unseen. Made before the page opens its websocket (before goto)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
            self.finished += 1

    def wait_past(self, count: int, timeout_s: float = APP_RUN_TIMEOUT_MS / 1000) -> None:
        """Wait until more than `count` runs have finished (TimeoutError after `timeout_s`)."""
        deadline = time.monotonic() + timeout_s
        while self.finished <= count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished within {timeout_s:g} s")
            self.page.wait_for_timeout(5)


def open_app_page(
    page: Page, base_url: str, url_path: str = "", query: dict[str, object] | None = None
) -> Page:
    """Go to a page (optionally with query parameters) and wait until it has been drawn.

    Streamlit answers an unknown page path with a "Page not found" dialog and runs the main
    page instead; that is turned into a failure here rather than a test of the wrong page.
    """
    page.goto(app_url(base_url, url_path, query), wait_until="domcontentloaded")
    wait_for_app_idle(page)
    landed_on = urlparse(page.url).path.strip("/")
    not_found = page.get_by_text("Page not found", exact=True)
    if landed_on != url_path.strip("/") or (not_found.count() and not_found.first.is_visible()):
        raise AssertionError(
            f"streamlit has no page at /{url_path.strip('/')} (landed on {page.url}); "
            f"pages/1_Bandit_derivation.py is served at /Bandit_derivation"
        )
    return page


def assert_no_exception(page: Page) -> None:
    """Fail with the exception's text if streamlit shows an exception box."""
    boxes = page.locator(EXCEPTION)
    visible = [boxes.nth(i) for i in range(boxes.count()) if boxes.nth(i).is_visible()]
    if visible:
        texts = "\n---\n".join(box.inner_text(timeout=5_000) for box in visible)
        raise AssertionError(f"{len(visible)} exception(s) shown on {page.url}:\n{texts}")


def assert_charts_rendered(page: Page, timeout_ms: int = CHART_RENDER_TIMEOUT_MS) -> int:
    """Fail if a vega-lite chart has no canvas or svg drawn inside; return the chart count."""
    charts = page.locator(VEGA_CHART)
    count = charts.count()
    for i in range(count):
        drawn = charts.nth(i).locator("canvas, svg").first
        try:
            drawn.wait_for(state="attached", timeout=timeout_ms)
        except Exception as error:
            raise AssertionError(
                f"chart {i + 1} of {count} on {page.url} has no canvas or svg after {timeout_ms} ms"
            ) from error
    return count


def assert_page_healthy(page: Page) -> None:
    """No exception box, and every chart actually drawn."""
    assert_no_exception(page)
    assert_charts_rendered(page)


MAX_SCREENSHOT_HEIGHT = 12_000  # px; a taller page is cut there


def save_screenshot(page: Page, name: str, folder: Path = SCREENSHOT_DIR) -> Path:
    """Full-page screenshot to <folder>/<name>.png (artifacts/screenshots/ by default); return
    its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    # Streamlit scrolls inside its main container, so full_page alone stops at the viewport:
    # grow the viewport to the content's height for the shot, then put it back.
    original = page.viewport_size or {"width": 1280, "height": 900}
    content_height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section.main,'
              + ' [data-testid="stAppViewContainer"]')].map(e => e.scrollHeight), 0)"""
    )
    height = int(min(max(content_height, original["height"]), MAX_SCREENSHOT_HEIGHT))
    page.set_viewport_size({"width": original["width"], "height": height})
    try:
        page.wait_for_timeout(300)  # let charts re-lay out at the new size
        page.screenshot(path=str(path), full_page=True, timeout=30_000)
    finally:
        page.set_viewport_size(original)
    return path


# Blocks of the page that reach past its right edge, as "<what>: <how far>" lines. A block is cut
# off (or drags the whole page sideways) when it ends right of the main column and no ancestor
# scrolls; a scroll container (overflow-x auto/scroll holding more than it shows) is allowed only
# with a visible hint: ui.layout's scroll-hint watcher gives such a box the class
# `sfl-scroll-hint` and draws a shadow and an arrow on the side with more to see. Up to 4 px over
# counts as fitting (KaTeX's boxes run 1–2 px over their width by rounding), as in the watcher.
HORIZONTAL_OVERFLOWS_JS = """() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    const describe = (el) => {
        const owner = el.closest('[data-testid]');
        const id = owner ? owner.getAttribute('data-testid') : el.tagName.toLowerCase();
        const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
        return `${id} <${el.tagName.toLowerCase()} class="${el.className?.baseVal ?? el.className}"> `
            + JSON.stringify(text.slice(0, 60));
    };
    if (document.documentElement.scrollWidth > width + 1)
        found.push(`the page: ${document.documentElement.scrollWidth} px wide in ${width}`);
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return found;
    const right = Math.min(width, main.getBoundingClientRect().right);
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const hinted = (el) => el.matches('.sfl-scroll-hint');
    const reported = new Set();
    // Screen-reader-only boxes (react-aria's VisuallyHidden: clipped to nothing) are never seen:
    // a slider's native range input sits in one, a thumb wide, at the thumb.
    const unseen = (el) => {
        const style = getComputedStyle(el);
        return style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)';
    };
    for (const el of main.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        if (scrolls(el) && el.scrollWidth > el.clientWidth + 4 && el.clientWidth > 0) {
            if (!hinted(el))
                found.push(`${describe(el)}: scrolls ${el.scrollWidth} px in ${el.clientWidth}`
                    + ' with no visible hint');
            continue;
        }
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= right + 1) continue;
        let ancestor = el.parentElement, inside = unseen(el);
        while (!inside && ancestor && ancestor !== main) {
            if (scrolls(ancestor) || reported.has(ancestor) || unseen(ancestor)) {
                inside = true;
                break;
            }
            ancestor = ancestor.parentElement;
        }
        if (inside) continue;
        reported.add(el);
        found.push(`${describe(el)}: ends ${Math.round(box.right - right)} px past the right edge`);
    }
    return found;
}"""


def horizontal_overflows(page: Page) -> list[str]:
    """What on the page reaches past its right edge with no visible way to see it (see
    HORIZONTAL_OVERFLOWS_JS): empty when every block fits its column or scrolls with a hint."""
    return page.evaluate(HORIZONTAL_OVERFLOWS_JS)
