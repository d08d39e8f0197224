"""Property tests (hypothesis): 500 examples each in CI (see conftest.py)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from translator import localize as loc
from translator.detect import analyze
from translator.engines.pseudo import PseudoEngine
from translator.errors import InputError
from translator.locales import parse_locales
from translator.pipeline import load_article
from translator.protect import mask, unmask
from translator.readers import text as text_reader
from translator.variants import OWNED

KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(lambda k: k not in OWNED)
SCALARS = st.one_of(
    st.sampled_from(
        ["no", "yes", "012", "0x1F", "1e3", "12:30", "~", "null", "on", "2024-01-05", "-", "true"]
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.text(
        st.characters(categories=("L", "N", "Zs", "P"), exclude_characters='\n\r"\\'), max_size=30
    ).map(json.dumps),
    st.from_regex(r"[A-Za-z][A-Za-z0-9 .,!?-]{0,20}[A-Za-z0-9]", fullmatch=True),
)
BODY = "# Title of the story\n\nThe council met on Monday and agreed to repair the old bridge next spring.\n"


def _localize(folder: Path, out: Path, **kw) -> loc.LocalizeReport:
    options = loc.LocalizeOptions(
        targets=parse_locales("fr"), out=str(out), engine="pseudo", use_cache=False, **kw
    )
    return loc.localize([str(folder)], options)


@given(st.lists(st.tuples(KEYS, SCALARS), min_size=1, max_size=6, unique_by=lambda kv: kv[0]))
def test_unowned_front_matter_round_trips_byte_exact(entries):
    lines = [f"{k}: {v}" for k, v in entries]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        (src / "post.md").write_text(
            "---\ntitle: A story\n" + "\n".join(lines) + "\n---\n\n" + BODY, encoding="utf-8"
        )
        try:
            report = _localize(src, Path(tmp) / "out")
        except InputError:
            assume(False)  # YAML the reader refuses is another test's business
        if report.failures:
            assume(False)
        text = (Path(tmp) / "out" / "post.fr.md").read_text(encoding="utf-8")
    head = text.split("---\n")[1]
    assert "\n".join(lines) + "\n" in head


SPANS = st.one_of(
    st.from_regex(r"https://[a-z]{1,10}\.org/[a-z0-9_/]{0,12}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.com", fullmatch=True),
    st.from_regex(r"\{[a-z_]{1,8}\}", fullmatch=True),
    st.sampled_from(["%s", "%d", "%(count)s", "%1$s", "`code_x()`"]),
)
AROUND = st.text(
    st.characters(
        categories=("L", "Zs", "P", "N"), include_characters="⟦⟧", exclude_characters="`{}%@/"
    ),
    max_size=40,
)


@given(AROUND, SPANS, AROUND)
def test_protected_spans_survive_the_pseudo_engine(before, span, after):
    text = f"{before} {span} {after}"
    masked = mask(text, "markdown")
    [out] = PseudoEngine().translate([masked.text], "en", "fr")
    restored, _events = unmask(out, masked)
    assert span in restored


NAMES = st.text(
    st.characters(categories=("L", "N"), include_characters="-_. "), min_size=1, max_size=12
).filter(lambda n: n.strip(" .") and n not in (".", ".."))


@given(
    st.lists(NAMES, min_size=0, max_size=3),
    NAMES,
    st.sampled_from(["filename", "dir"]),
    st.sampled_from(["fr", "pt-BR", "zh-Hant"]),
)
def test_every_output_path_is_inside_out(dirs, stem, layout, tag):
    root = Path("/data/in")
    source = root.joinpath(*dirs, stem.strip() + ".md")
    out = Path("/data/out")
    dest = loc.variant_path(str(source), str(root), str(out), tag, layout, "md")
    assert dest.resolve().is_relative_to(out.resolve())


@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,9}( [a-z]{2,9}){3,12}\.", fullmatch=True),
        min_size=1,
        max_size=4,
    )
)
def test_localize_twice_is_idempotent(paragraphs):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        (src / "story.txt").write_text(
            "A headline for the story\n" + "\n".join(paragraphs) + "\n", encoding="utf-8"
        )
        try:
            first = _localize(src, Path(tmp) / "out")
        except InputError:
            assume(False)
        assume(not first.failures)
        snapshot = {p.name: p.read_bytes() for p in (Path(tmp) / "out").iterdir()}
        second = _localize(src, Path(tmp) / "out")
        assert [v.skipped for v in second.variants] == [True]
        forced = _localize(src, Path(tmp) / "out", force=True)
        assert [v.written for v in forced.variants] == [False]
        assert {p.name: p.read_bytes() for p in (Path(tmp) / "out").iterdir()} == snapshot


@given(st.text(st.characters(codec=None), max_size=300))
def test_detect_never_raises_on_arbitrary_text(text):
    try:
        analyze(text_reader.parse("x.txt", text))
    except InputError:
        pass  # a clear, typed refusal is the right answer for text without words
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            load_article(str(path))
        except InputError:
            pass  # refused with a message naming the file
