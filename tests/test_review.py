"""``translator review``: the web app served by the real command, driven in a
real browser (Playwright with Debian's chromium, offline), and its guards
spoken to over HTTP."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SAMPLES, chromium_path

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

HEADLINE = "Council approves budget for a new public library"
BUILDING = "The building will cost 8.5 million euros and should open in the autumn of 2027."
VOTE = (
    "The city council voted 9 to 2 on Wednesday evening to fund a new public library in the "
    "northern district, ending a debate that has lasted almost three years."
)
OPPONENTS = "Opponents argued that the money should go to repairing school roofs first."
BUILDING_FR = "Le bâtiment coûtera 8.5 millions d'euros et ouvrira à l'automne 2027."
VARIANT = "build/council-budget.fr.md"


@dataclass
class Site:
    root: Path
    cache: Path
    url: str
    process: subprocess.Popen

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "translator", *args],
            cwd=self.root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def variant(self) -> str:
        return (self.root / VARIANT).read_text(encoding="utf-8")

    def human(self) -> list[tuple[str, str, str, str]]:
        """(target, state, locale, article) of every person's entry in the memory."""
        with sqlite3.connect(self.cache) as db:
            return db.execute(
                "SELECT target, state, locale, article FROM memory WHERE origin = 'human'"
            ).fetchall()


def _serve(root: Path, cache: Path, *args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "translator", "review", "samples/", "--to", "fr,ar", "--out",
         "build/", "--cache", str(cache), "--port", "0", *args],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        pytest.fail(f"no URL printed: {url!r} {process.stderr.read() if process.stderr else ''}")
    return process, url


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "site"
    (root / "samples").mkdir(parents=True)
    (root / ".translator").mkdir()
    for name in ("council-budget.html", "arabic-market.txt"):
        shutil.copy(SAMPLES / name, root / "samples" / name)
    cache = tmp_path / "memory.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "translator", "localize", "samples/", "--to", "fr,ar", "--engine",
         "pseudo", "--out", "build/", "--cache", str(cache)],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    process, url = _serve(root, cache)
    yield Site(root, cache, url, process)
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


def _page(browser, site: Site):
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    page.goto(site.url)
    page.get_by_role("link", name="samples/council-budget.html in fr").click()
    page.wait_for_selector("#segments[data-ready]")  # the script has set up keys and saves
    return page


def _saved(page, label: str) -> str:
    row = page.locator(".seg", has=page.get_by_label(label, exact=True))
    message = row.locator(".message")
    page.wait_for_function(
        "el => el.textContent && el.textContent !== 'saving…'", arg=message.element_handle()
    )
    return message.text_content() or ""


def _focused(page, label: str) -> None:
    """Wait until the segment whose source is *label* has the focus (keys move it
    once a save has answered)."""
    page.wait_for_function(
        "label => document.activeElement.getAttribute('aria-label') === label", arg=label
    )


def test_open_edit_ctrl_enter_reload_file_memory_and_coverage(site, browser):
    page = _page(browser, site)
    assert page.title().startswith("samples/council-budget.html · fr")
    box = page.get_by_label(BUILDING, exact=True)
    assert box.input_value().startswith("[")  # the pseudo draft
    box.fill(BUILDING_FR)
    box.press("Control+Enter")
    assert _saved(page, BUILDING) == "saved"
    # the focus moved on to the next segment no person has translated yet
    page.wait_for_function(
        "label => document.activeElement.getAttribute('aria-label') !== label", arg=BUILDING
    )
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    assert page.locator("#reviewed").text_content() == "reviewed 14.3%"
    # the machine draft shows at once; every word changed, it reads whole, not struck through
    saved_row = page.locator(".seg", has=page.get_by_label(BUILDING, exact=True))
    assert saved_row.locator(".draft del").count() == 0
    assert "(rewritten)" in saved_row.locator(".draft").text_content()
    assert saved_row.locator(".draft bdi").count() == 1

    page.reload()
    box = page.get_by_label(BUILDING, exact=True)
    assert box.input_value() == BUILDING_FR
    row = page.locator(".seg", has=box)
    assert row.locator(".origin").text_content() == "human · translated"
    assert "Machine draft:" in row.locator(".draft").text_content()
    assert "(rewritten)" in row.locator(".draft").text_content()  # rendered alike by the server

    assert BUILDING_FR in site.variant()
    assert (BUILDING_FR, "translated", "fr", "samples/council-budget") in site.human()
    report = json.loads(site.cli("coverage", "samples/", "--locales", "fr", "--variants",
                                 "build/", "--format", "json").stdout)  # fmt: skip
    cells = {a["path"]: a["cells"]["fr"] for a in report["articles"]}
    council = cells["samples/council-budget.html"]
    assert (council["status"], council["human"], council["segments"]) == ("ok", 1, 7)
    total = sum(c["segments"] for c in cells.values())
    assert report["locales"]["fr"]["reviewed_percent"] == round(100 / total, 2)


def test_keys_and_filters(site, browser):
    page = _page(browser, site)
    first = page.get_by_label(HEADLINE, exact=True)
    first.focus()
    page.keyboard.press("Alt+ArrowDown")
    _focused(page, VOTE)
    page.keyboard.press("Alt+ArrowUp")
    _focused(page, HEADLINE)
    # accepted as it is: marked reviewed, and the next machine segment focused
    page.keyboard.press("Alt+Enter")
    assert _saved(page, HEADLINE) == "saved as reviewed"
    _focused(page, VOTE)
    assert site.human()[0][1] == "reviewed"

    page.get_by_label("only machine").check()
    assert page.get_by_label(HEADLINE, exact=True).is_hidden()
    assert page.get_by_label(VOTE, exact=True).is_visible()
    page.get_by_label("only QA errors").check()
    assert page.get_by_label(VOTE, exact=True).is_hidden()
    page.get_by_label("only stale").check()
    assert page.locator(".seg[data-id]:visible").count() == 0
    page.get_by_label("all", exact=True).check()
    assert page.get_by_label(HEADLINE, exact=True).is_visible()


def test_right_to_left_target_is_right_aligned(site, browser):
    page = browser.new_page()
    page.goto(site.url)
    page.get_by_role("link", name="samples/council-budget.html in ar").click()
    page.wait_for_selector("#segments[data-ready]")
    box = page.get_by_label(HEADLINE, exact=True)
    assert box.get_attribute("dir") == "rtl"
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # the text starts at the right edge of the box
    text_align = box.evaluate("el => getComputedStyle(el).textAlign")
    assert text_align in ("start", "right")


def test_typed_markup_stays_inert_and_is_refused(site, browser):
    page = _page(browser, site)
    hostile = "<img src=x onerror=\"window.pwned = 1; document.title = 'pwned'\"> 8.5 2027"
    box = page.get_by_label(BUILDING, exact=True)
    box.fill(hostile)
    box.press("Control+Enter")
    message = _saved(page, BUILDING)
    assert message.startswith("not saved: QA unsafe-markup"), message
    assert page.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None and "pwned" not in page.title()
    assert box.input_value() == hostile  # the text is still there to fix
    assert "onerror" not in site.variant() and site.human() == []


def test_disk_edit_after_the_page_loaded_survives_a_save(site, browser):
    page = _page(browser, site)
    on_disk = site.variant()
    draft = next(line for line in on_disk.splitlines() if line.startswith(r"\[Ŧħḗ ƈīŧẏ"))
    edited = on_disk.replace(draft, "Le conseil municipal a voté 9 contre 2 mercredi soir.")
    (site.root / VARIANT).write_text(edited, encoding="utf-8")

    box = page.get_by_label(BUILDING, exact=True)
    box.fill(BUILDING_FR)
    box.press("Control+Enter")
    message = _saved(page, BUILDING)
    assert message == "saved; the file had been edited on disk: its edits were taken in first"
    text = site.variant()
    assert "Le conseil municipal a voté 9 contre 2 mercredi soir." in text
    assert BUILDING_FR in text
    assert {t for t, *_ in site.human()} == {
        "Le conseil municipal a voté 9 contre 2 mercredi soir.",
        BUILDING_FR,
    }
    # the row the disk edit changed is updated without a reload
    other = page.get_by_label(VOTE, exact=True)
    page.wait_for_function(
        "el => el.value.startsWith('Le conseil municipal')", arg=other.element_handle()
    )
    row = page.locator(".seg", has=other)
    assert row.locator(".origin").text_content() == "human · translated"


def test_a_disk_edit_of_the_segment_being_saved_is_not_overwritten(site, browser):
    page = _page(browser, site)
    on_disk = site.variant()
    line = next(line for line in on_disk.splitlines() if line.startswith(r"\[Ŧħḗ ƀŭīŀḓīƞɠ"))
    draft = line.split(r"\] ")[0] + r"\]"  # the first of the paragraph's two sentences
    theirs = "Le bâtiment coûtera 8.5 millions d'euros (ouverture en 2027)."
    (site.root / VARIANT).write_text(on_disk.replace(draft, theirs), encoding="utf-8")

    box = page.get_by_label(BUILDING, exact=True)
    box.fill(BUILDING_FR)
    box.press("Control+Enter")
    message = _saved(page, BUILDING)
    assert message.startswith("not saved: this segment changed since the page was loaded")
    assert theirs in message and box.input_value() == BUILDING_FR
    assert theirs in site.variant() and BUILDING_FR not in site.variant()
    assert [t for t, *_ in site.human()] == [theirs]


def test_two_tabs_saving_one_segment(site, browser):
    first, second = _page(browser, site), _page(browser, site)
    first.get_by_label(BUILDING, exact=True).fill(BUILDING_FR)
    first.get_by_label(BUILDING, exact=True).press("Control+Enter")
    assert _saved(first, BUILDING) == "saved"

    other = "Le bâtiment coûtera 8.5 millions d'euros ; ouverture à l'automne 2027."
    box = second.get_by_label(BUILDING, exact=True)
    box.fill(other)
    box.press("Control+Enter")
    message = _saved(second, BUILDING)
    assert message.startswith("not saved: this segment changed since the page was loaded")
    assert BUILDING_FR in message and "reload" in message
    assert box.input_value() == other  # nothing lost: the second text is still in its box
    assert BUILDING_FR in site.variant() and other not in site.variant()


# -- the guards, over HTTP ---------------------------------------------------------------


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


def test_writes_need_the_same_origin_and_the_pages_token(site):
    status, headers, html = _request(site.url + "article/0/fr")
    assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
    csrf = html.split('name="csrf-token" content="')[1].split('"')[0]
    uid = html.split('data-id="')[1].split('"')[0]
    url = f"{site.url}article/0/fr/segment/{uid}"
    body = json.dumps({"text": "x", "base": "y"}).encode()
    json_type = {"Content-Type": "application/json"}
    assert _request(url, data=body, headers=json_type)[0] == 403  # no token
    foreign = {**json_type, "X-CSRF-Token": csrf, "Origin": "http://evil.example"}
    assert _request(url, data=body, headers=foreign)[0] == 403
    same = {**json_type, "X-CSRF-Token": csrf, "Origin": site.url.rstrip("/")}
    status, _h, answer = _request(url, data=body, headers=same)
    assert status == 409 and "changed since the page was loaded" in answer
    # a page asked for under another name (DNS rebinding) is refused
    assert _request(site.url, headers={"Host": "evil.example"})[0] == 403


def test_bound_elsewhere_every_request_needs_the_printed_token(site):
    process, url = _serve(site.root, site.cache, "--host", "0.0.0.0")
    try:
        assert "?token=" in url
        port = url.split(":")[2].split("/")[0]
        plain = f"http://127.0.0.1:{port}/"
        assert _request(plain)[0] == 403
        token = url.split("?token=")[1]
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(f"{plain}?token={token}", timeout=30) as response:  # noqa: S310
            assert response.status == 200 and "Articles to review" in response.read().decode()
        with opener.open(f"{plain}article/0/fr", timeout=30) as response:  # noqa: S310 - cookie
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


# -- the lock, in-process ----------------------------------------------------------------


def _review(site: Site, wait: float):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    return Review(
        ["samples/"],
        ReviewOptions(parse_locales("fr"), out="build/", cache=str(site.cache), lock_wait=wait),
    )


def _hold_lock(seconds: float) -> threading.Thread:
    from translator.localize import run_lock

    held = threading.Event()

    def hold() -> None:
        with run_lock("build/", ["samples/"]):
            held.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    return thread


def test_a_save_during_a_localize_waits_or_is_refused_with_a_clear_message(site, monkeypatch):
    monkeypatch.chdir(site.root)
    review = _review(site, wait=0.2)
    segment = next(s for s in review.article("1", "fr").segments if s.source == BUILDING)
    thread = _hold_lock(2.0)
    refused = review.save("1", "fr", segment.id, BUILDING_FR, segment.target)
    thread.join()
    assert refused.status == 423 and "another translator localize is writing to" in refused.message
    assert "your text is still here" in refused.message and site.human() == []

    patient = _review(site, wait=10.0)
    thread = _hold_lock(1.0)
    saved = patient.save("1", "fr", segment.id, BUILDING_FR, segment.target)
    thread.join()
    assert saved.ok and BUILDING_FR in site.variant()


def test_a_save_rewrites_the_variant_with_its_own_beam_and_glossary(
    installed, tmp_path, monkeypatch, run_cli
):
    """A variant written with --beam 1 and a glossary keeps both through a save
    (its options read "beam=1 glossary=…"): nothing is translated anew."""
    from translator.glossary import Glossary
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    root = tmp_path / "site"
    (root / "samples").mkdir(parents=True)
    (root / ".translator").mkdir()
    shutil.copy(SAMPLES / "council-budget.html", root / "samples")
    (root / "g.csv").write_text("en,fr\nlibrary,médiathèque\n", encoding="utf-8")
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    monkeypatch.chdir(root)
    result = run_cli("localize", "samples/", "--to", "fr", "--out", "build", "--beam", "1",
                     "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    variant = root / "build" / "council-budget.fr.md"
    options = next(ln for ln in variant.read_text(encoding="utf-8").splitlines() if "options" in ln)
    assert "beam=1 glossary=" in options
    review = Review(
        ["samples/"],
        ReviewOptions(parse_locales("fr"), out="build", glossary=Glossary.load(["g.csv"])),
    )
    segment = next(s for s in review.article("0", "fr").segments if s.source == BUILDING)
    saved = review.save("0", "fr", segment.id, BUILDING_FR, segment.target)
    assert saved.ok, saved.message
    text = variant.read_text(encoding="utf-8")
    assert BUILDING_FR in text and options in text.splitlines()


def test_the_overview_shows_titles_and_each_path_once(site, browser):
    page = browser.new_context().new_page()
    page.goto(site.url)
    header = page.locator("tbody th", has_text=HEADLINE)
    assert header.count() == 1
    assert header.locator(".path").text_content() == "samples/council-budget.html"
    row = page.locator("tbody tr", has=page.locator("th", has_text=HEADLINE))
    assert row.text_content().count("samples/council-budget.html") == 1
    assert row.locator("a").count() == 2  # one per locale


def edit_one_arabic_word(site, browser):
    """The Arabic draft of VOTE with one word changed, saved: (page, its row),
    once the row shows its machine draft's diff."""
    page = browser.new_context().new_page()
    page.goto(site.url)
    page.get_by_role("link", name="samples/council-budget.html in ar").click()
    page.wait_for_selector("#segments[data-ready]")
    box = page.get_by_label(VOTE, exact=True)
    words = box.input_value().split(" ")
    box.fill(" ".join([*words[:-3], "تعديل", *words[-2:]]))  # one word changed
    box.press("Control+Enter")
    row = page.locator(".seg", has=box)
    page.wait_for_function(
        "el => el.querySelector('.draft ins') !== null", arg=row.element_handle()
    )
    return page, row


def test_a_right_to_left_draft_diff_keeps_each_piece_in_order(site, browser):
    _, row = edit_one_arabic_word(site, browser)
    shown = row.locator(".draft")
    assert shown.get_attribute("dir") == "rtl"
    assert shown.locator("ins bdi").count() >= 1 and shown.locator("del bdi").count() >= 1
    assert shown.locator("bdi").count() >= 3  # the unchanged runs isolated too


def test_a_save_reads_the_article_once(site, monkeypatch):
    from translator import readers
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    monkeypatch.chdir(site.root)
    review = Review(
        ["samples/"],
        ReviewOptions(parse_locales("fr"), out="build", cache=str(site.cache), engine="pseudo"),
    )
    segment = next(s for s in review.article("1", "fr").segments if s.source == BUILDING)
    reads: list[str] = []
    real = readers.read

    def counted(path, **kwargs):
        reads.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(readers, "read", counted)
    saved = review.save("1", "fr", segment.id, BUILDING_FR, segment.target)
    assert saved.ok, saved.message
    assert [p for p in reads if p.endswith("council-budget.html")] == []  # read before, kept
    review._read.clear()
    segment = next(s for s in review.article("1", "fr").segments if s.source == VOTE)
    reads.clear()
    review._read.clear()
    saved = review.save("1", "fr", segment.id, "Le conseil a voté.", segment.target)
    assert saved.ok, saved.message
    assert len([p for p in reads if p.endswith("council-budget.html")]) == 1
