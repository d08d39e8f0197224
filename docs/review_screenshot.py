"""Make docs/review.png, the README's picture of ``translator review``.

Runs the README's quick start in a temporary copy of samples/, saves one
segment through the app's library (so that a person's text and its machine
draft show), serves the app and has Debian's chromium take the picture.

    python docs/review_screenshot.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILDING = "The building will cost 8.5 million euros and should open in the autumn of 2027."


def main() -> None:
    from playwright.sync_api import sync_playwright

    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "samples", work / "samples")
        (work / ".translator").mkdir()
        cache = str(work / "memory.sqlite3")
        translator = [sys.executable, "-m", "translator"]
        subprocess.run(
            [*translator, "localize", "samples/", "--to", "fr", "--engine", "pseudo",
             "--out", "build/", "--cache", cache],
            cwd=work, check=True, capture_output=True,
        )  # fmt: skip
        os.chdir(work)
        review = Review(["samples/"], ReviewOptions(parse_locales("fr"), out="build/", cache=cache))
        article = next(s for s in review.sources if s.name.endswith("council-budget.html"))
        segment = next(s for s in review.article(article.id, "fr").segments if s.source == BUILDING)
        review.save(
            article.id, "fr", segment.id,
            "Le bâtiment coûtera 8.5 millions d'euros et ouvrira à l'automne 2027.",
            segment.target,
        )  # fmt: skip
        server = subprocess.Popen(
            [*translator, "review", "samples/", "--to", "fr", "--out", "build/", "--cache",
             cache, "--port", "0"],
            cwd=work, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=shutil.which("chromium"), args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(f"{url}article/{article.id}/fr")
                page.wait_for_selector("#segments[data-ready]")
                page.get_by_label(BUILDING, exact=True).focus()
                page.screenshot(path=str(ROOT / "docs" / "review.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(ROOT / "docs" / "review.png")


if __name__ == "__main__":
    main()
