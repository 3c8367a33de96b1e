"""Regenerate the README's screenshots: every page in a real browser, saved to docs/screenshots/.

    python scripts/screenshots.py                      # every page
    python scripts/screenshots.py --pages home Baselines

Uses the browser test's own machinery (tests/e2e/streamlit_helpers.py): a fresh
`streamlit run app.py`, Debian's Chromium through Playwright, and the same checks — a page that
shows an exception box or an undrawn chart is reported and not saved. Each image is the first
screen of the page (1280 × 900 CSS px), scaled to 960 px wide and reduced to a 256-colour
palette so the committed PNGs stay small. Emoji in the badges need a colour emoji font
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
    assert_page_healthy,
    discover_pages,
    free_port,
    open_app_page,
    served_app,
)

OUTPUT_DIR = REPO_ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
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
    args = parser.parse_args(argv)
    wanted = [p for p in pages if args.pages is None or p.name in args.pages]
    args.output.mkdir(parents=True, exist_ok=True)

    log_path = Path(tempfile.mkdtemp(prefix="screenshots-")) / "server.log"
    failures = []
    with served_app(free_port(), log_path) as (base_url, browser):
        for app_page in wanted:
            context = browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(60_000)
            page = context.new_page()
            try:
                open_app_page(page, base_url, app_page.url_path)
                assert_page_healthy(page)
                target = args.output / f"{app_page.name}.png"
                page.screenshot(path=str(target), full_page=False, animations="disabled")
                shrink(target)
                print(f"{target}  {target.stat().st_size / 1024:.0f} KiB")
            except AssertionError as error:
                failures.append(app_page.name)
                print(f"{app_page.name}: not saved — {error}", file=sys.stderr)
            finally:
                context.close()
    if failures:
        print(f"server log: {log_path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
