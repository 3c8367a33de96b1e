"""Screenshots of every page in a real browser: the README's set, or every page at desktop and
phone sizes, whole pages, for looking at.

    python scripts/screenshots.py                          # README set -> docs/screenshots/
    python scripts/screenshots.py --pages home Baselines
    python scripts/screenshots.py --look --output /tmp/look  # every page, 1400×900 and 390×844,
                                                             # full page, full resolution

Uses the browser test's own machinery (tests/e2e/streamlit_helpers.py): a fresh
`streamlit run app.py`, Debian's Chromium through Playwright, and the same checks — a page that
shows an exception box or an undrawn chart is reported and not saved. A README image is the first
screen of the page (1280 × 900 CSS px), scaled to 960 px wide and reduced to a 256-colour
palette so the committed PNGs stay small. `--look` saves `<page>-desktop.png` and
`<page>-mobile.png` whole (every chart drawn and every lazily loaded element mounted first) and
prints each block that overflows the page sideways. Emoji in the badges need a colour emoji font
(Debian: `apt-get install fonts-noto-color-emoji`); without it they show as empty boxes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from PIL import Image  # noqa: E402  (streamlit depends on Pillow)

from tests.e2e.streamlit_helpers import (  # noqa: E402
    DEVICES,
    assert_page_healthy,
    discover_pages,
    free_port,
    horizontal_overflows,
    open_app_page,
    save_screenshot,
    served_app,
)

OUTPUT_DIR = REPO_ROOT / "docs" / "screenshots"
README_VIEWPORT = {"width": 1280, "height": 900}
WIDTH = 960


def shrink(path: Path, width: int = WIDTH) -> None:
    """Scale to `width` px and quantise to 256 colours: a readable image at a fraction of the bytes."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        height = round(image.height * width / image.width)
        small = image.resize((width, height), Image.Resampling.LANCZOS)
        small.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    pages = discover_pages()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[page.name for page in pages],
        metavar="PAGE",
        help=f"pages to capture (default: all): {', '.join(p.name for p in pages)}",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="folder for the PNGs")
    parser.add_argument(
        "--look",
        action="store_true",
        help="whole pages in every browser of DEVICES (desktop 1400×900, an iPhone 390×844), "
        "full resolution, with the blocks that overflow sideways listed",
    )
    parser.add_argument(
        "--sizes", nargs="+", choices=list(DEVICES), default=list(DEVICES),
        help="with --look: which sizes (default: all)",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    args = parser.parse_args(argv)
    wanted = [p for p in pages if args.pages is None or p.name in args.pages]
    args.output.mkdir(parents=True, exist_ok=True)
    shots = (
        [(name, DEVICES[name]) for name in args.sizes]
        if args.look
        else [("", {"viewport": README_VIEWPORT})]
    )

    log_path = Path(tempfile.mkdtemp(prefix="screenshots-")) / "server.log"
    failures = []
    with served_app(args.port or free_port(), log_path) as (base_url, browser):
        for app_page in wanted:
            for size, device in shots:
                context = browser.new_context(**device)
                context.set_default_timeout(60_000)
                page = context.new_page()
                name = f"{app_page.name}-{size}" if size else app_page.name
                try:
                    open_app_page(page, base_url, app_page.url_path)
                    assert_page_healthy(page)
                    if args.look:
                        for overflow in horizontal_overflows(page):
                            print(f"{name}: overflows sideways: {overflow}")
                        target = save_screenshot(page, name, args.output)
                    else:
                        target = args.output / f"{name}.png"
                        page.screenshot(path=str(target), full_page=False, animations="disabled")
                        shrink(target)
                    print(f"{target}  {target.stat().st_size / 1024:.0f} KiB")
                except AssertionError as error:
                    failures.append(name)
                    print(f"{name}: not saved — {error}", file=sys.stderr)
                finally:
                    context.close()
    if failures:
        print(f"server log: {log_path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
