"""Editing with the keyboard alone or a screen reader, in Chromium: no typed
text is lost, messages belong to their box, what happened is announced, the
focus always lands somewhere, keys and states are exposed, empty filters say
so, and every text carries its language; axe-core finds no violation."""

# ruff: noqa: F811 - the fixtures site and browser come from test_review

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .test_review import (  # noqa: F401 - fixtures
    BUILDING,
    HEADLINE,
    VOTE,
    _page,
    _saved,
    browser,
    edit_one_arabic_word,
    site,
)

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


def test_typed_text_is_kept_when_marked_reviewed(site, browser):
    """Finding 1: Alt+Enter on a box with typed text stores that text, reviewed,
    in fr and in a saved row alike; the box keeps it."""
    page = _page(browser, site)
    box = page.get_by_label(HEADLINE, exact=True)
    box.fill("Le conseil approuve le budget de la nouvelle bibliothèque")
    box.press("Alt+Enter")
    assert _saved(page, HEADLINE) == "saved as reviewed"
    assert box.input_value() == "Le conseil approuve le budget de la nouvelle bibliothèque"
    assert ("Le conseil approuve le budget de la nouvelle bibliothèque", "reviewed") in [
        (t, s) for t, s, *_ in site.human()
    ]
    # a row a person saved already: new typing, then Alt+Enter
    box.fill("Le conseil vote le budget de la bibliothèque")
    box.press("Alt+Enter")
    assert _saved(page, HEADLINE) == "saved as reviewed"
    assert box.input_value() == "Le conseil vote le budget de la bibliothèque"
    assert "Le conseil vote le budget de la bibliothèque" in site.variant()


def test_a_refused_save_marks_its_box_and_is_announced(site, browser):
    """Finding 2: the box is aria-invalid, described by its message and its
    findings; the error goes to an assertive live region."""
    page = _page(browser, site)
    box = page.get_by_label(BUILDING, exact=True)
    box.fill("")
    box.press("Control+Enter")
    message = _saved(page, BUILDING)
    assert message.startswith("not saved")
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby").split()
    row = page.locator(".seg", has=box)
    assert row.locator(".message").get_attribute("id") in described
    assert row.locator(".findings").get_attribute("id") in described
    alerts = page.locator("#alerts")
    assert alerts.get_attribute("aria-live") == "assertive"
    assert "not saved" in alerts.text_content()
    assert row.locator(".message").get_attribute("aria-live") is None  # one live region, not two
    box.fill("Le bâtiment coûtera 8.5 millions d'euros et ouvrira à l'automne 2027.")
    box.press("Control+Enter")
    assert _saved(page, BUILDING) == "saved"
    assert box.get_attribute("aria-invalid") is None


def test_a_save_is_announced_for_the_page_with_its_place_and_the_share(site, browser):
    """Finding 3: one polite page-level status names the segment and the share."""
    page = _page(browser, site)
    box = page.get_by_label(BUILDING, exact=True)
    n, total = (page.locator(".seg", has=box).get_attribute(k) for k in ("data-n", "data-total"))
    box.fill("Le bâtiment coûtera 8.5 millions d'euros et ouvrira à l'automne 2027.")
    box.press("Control+Enter")
    assert _saved(page, BUILDING) == "saved"
    status = page.locator("#status")
    assert status.get_attribute("role") == "status"
    page.wait_for_function("() => document.getElementById('status').textContent !== ''")
    assert status.text_content() == f"Segment {n} of {total} saved; reviewed 14.3%"


def test_the_focus_stays_on_the_row_after_mark_reviewed(site, browser):
    """Finding 4: the button goes away; the focus does not fall to the body."""
    page = _page(browser, site)
    button = page.get_by_role("button", name="Mark reviewed, segment 1")
    button.click()
    page.wait_for_function("() => document.activeElement.tagName === 'TEXTAREA'")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == HEADLINE


def test_keys_states_and_places_are_exposed(site, browser):
    """Finding 5: shortcuts and descriptions on each box, contextual button
    names, and the key hint outside the filter group."""
    page = _page(browser, site)
    box = page.get_by_label(VOTE, exact=True)
    assert "Control+Enter" in box.get_attribute("aria-keyshortcuts")
    description = page.evaluate(
        """el => el.getAttribute('aria-describedby').split(' ')
             .map(id => document.getElementById(id).textContent).join(' ')""",
        box.element_handle(),
    )
    assert (
        "Segment 2 of" in description and "machine" in description and "Ctrl+Enter" in description
    )
    assert page.get_by_role("button", name="Save segment 2").count() == 1
    assert page.get_by_role("button", name="Save", exact=True).count() == 0
    assert page.locator('[role="group"] .keys').count() == 0
    assert page.locator("#keys").is_visible()


def test_an_empty_filter_says_so(site, browser):
    """Finding 6."""
    page = _page(browser, site)
    page.get_by_label("only stale").check()
    empty = page.locator("#empty")
    assert empty.is_visible() and "no stale segment" in empty.text_content()
    page.get_by_label("only QA errors").check()
    assert "no segment with QA errors" in empty.text_content()
    page.get_by_label("all", exact=True).check()
    assert empty.is_hidden()


def test_every_text_carries_its_language(site, browser, tmp_path):
    """Finding 7: the draft diff has its lang and dir, insertions are marked by
    more than colour, and the preview marks its Arabic runs and its English labels."""
    page, row = edit_one_arabic_word(site, browser)
    draft = row.locator(".draft")
    assert draft.get_attribute("lang") == "ar" and draft.get_attribute("dir") == "rtl"
    sign = page.evaluate(
        "el => getComputedStyle(el, '::before').content",
        row.locator(".draft ins").first.element_handle(),
    )
    assert sign == '"+"'
    assert "underline" in row.locator(".draft ins").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )

    out = tmp_path / "preview.html"
    done = site.cli("preview", "samples/council-budget.html", "--to", "ar", "--engine", "pseudo",
                    "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    preview = browser.new_context().new_page()
    preview.goto(out.as_uri())
    assert preview.locator('.row.head [lang="ar"]').count() == 1
    assert preview.locator('.facts [lang="ar"]').count() >= 1
    label = preview.locator(".cell.target .kind").first
    if label.count():
        assert label.get_attribute("lang") == "en"


def _axe() -> Path | None:
    where = [os.environ.get("TRANSLATOR_AXE")]
    for cache in (os.environ.get("XDG_CACHE_HOME"), os.path.expanduser("~/.cache")):
        if cache:
            where.append(os.path.join(cache, "translator-tools", "node_modules", "axe-core",
                                      "axe.min.js"))  # fmt: skip
    return next((Path(p) for p in where if p and Path(p).is_file()), None)


def test_axe_finds_no_violation(site, browser, tmp_path):
    axe = _axe()
    if axe is None:
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: .ci/run installs it with npm")
        pytest.skip(
            "axe-core is not installed (npm install --prefix ~/.cache/translator-tools axe-core)"
        )
    script = axe.read_text(encoding="utf-8")
    out = tmp_path / "preview.html"
    done = site.cli("preview", "samples/council-budget.html", "--to", "ar", "--engine", "pseudo",
                    "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = [
        site.url,
        site.url.rstrip("/") + "/article/1/fr",
        site.url.rstrip("/") + "/article/1/ar",
        out.as_uri(),
    ]
    for url in pages:
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(url)
        page.add_script_tag(content=script)
        found = page.evaluate("async () => (await axe.run(document)).violations")
        assert found == [], (url, [(v["id"], v["help"], len(v["nodes"])) for v in found])
