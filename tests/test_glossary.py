"""Terminology (``--glossary``): CSV and TBX files, terms into the draft with
the pseudo engine and a real CTranslate2 model, the ``glossary`` QA check,
the memory, the settings file, export, preview and review."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from translator.errors import UsageError
from translator.glossary import DNT, FORBIDDEN, FORCED, Glossary, TermRules, translate_with_terms
from translator.locales import parse_locale

ARTICLE = """\
---
title: Stone visits the library
---

Stone told the city council on Monday that the library would open in May.

The City Council said STONE was wrong, and the libraries stay closed.

One more sentence without any term in it.
"""
CSV = (
    "en,fr,status,note\n"
    "Stone,,dnt,a surname\n"
    "city council,conseil municipal,,\n"
    "library,médiathèque,,house term\n"
    "en,conseil de ville,forbidden,say conseil municipal\n"
)
TBX_BASIC = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>Exported from a CAT tool's termbase</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="c1">
      <descripGrp><descrip type="definition">A surname; never translated.</descrip></descripGrp>
      <langSet xml:lang="en-US"><ntig><termGrp><term>Stone</term>
        <termNote type="partOfSpeech">properNoun</termNote></termGrp></ntig></langSet>
      <langSet xml:lang="fr-FR"><ntig><termGrp><term>Stone</term></termGrp></ntig></langSet>
    </termEntry>
    <termEntry id="c2">
      <langSet xml:lang="en-US"><ntig><termGrp><term>city council</term></termGrp></ntig></langSet>
      <langSet xml:lang="fr-FR">
        <ntig><termGrp><term>conseil municipal</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig>
        <ntig><termGrp><term>conseil de ville</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termGrp></ntig>
      </langSet>
    </termEntry>
    <termEntry id="c3">
      <descrip type="translationNote">no</descrip>
      <langSet xml:lang="en-US"><tig><term>Globex</term></tig></langSet>
      <langSet xml:lang="fr-FR"><tig><term>Globex SA</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""
TBX_V3 = """\
<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="1">
      <langSec xml:lang="en"><termSec><term>library</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>médiathèque</term></termSec>
        <termSec><term>bibliothèque</term>
          <termNote type="administrativeStatus">forbiddenTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def _rules(text: str, tmp_path: Path, name: str = "g.csv", target: str = "fr") -> TermRules:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    glossary = Glossary.load([path])
    assert glossary is not None
    return glossary.rules("en", parse_locale(target))


def _kinds(rules: TermRules) -> set[tuple[str, str, str]]:
    return {(r.kind, r.source, r.target) for r in rules.rules}


# -- reading -------------------------------------------------------------------------


def test_csv_columns_status_and_notes(tmp_path):
    rules = _rules(CSV + "Globex,Globex,,\nAcme,,,\n", tmp_path)
    assert _kinds(rules) == {
        (DNT, "Stone", ""),
        (FORCED, "city council", "conseil municipal"),
        (FORCED, "library", "médiathèque"),
        (FORBIDDEN, "", "conseil de ville"),
        (DNT, "Globex", ""),  # the same term in both columns is kept as written
    }  # Acme: no target and no status, nothing asked
    assert next(r for r in rules.rules if r.source == "Stone").note == "a surname"


def test_a_region_column_wins_over_the_language(tmp_path):
    text = "en,fr,fr-CA\ncity council,conseil municipal,conseil de ville\n"
    assert _kinds(_rules(text, tmp_path, target="fr-CA")) == {
        (FORCED, "city council", "conseil de ville")
    }
    assert _kinds(_rules(text, tmp_path, target="fr")) == {
        (FORCED, "city council", "conseil municipal")
    }


@pytest.mark.parametrize(
    "text, where",
    [
        ("Stone,Pierre\n", "g.csv:1: column 'Stone' is not a language code"),
        ("en,fr\nStone,Pierre,\n,x\n", "g.csv:3: a row without its source term"),
        ("en,fr,status\nStone,,keep\n", "g.csv:2: status 'keep': use dnt, forbidden or nothing"),
        # an unclosed quote once read every later row as one term, in silence
        ('en,fr\nlibrary,"médiathèque\ncity,ville\nferry,bac\n', "g.csv:2: not valid CSV"),
        ('en,fr\nStone,Pierre\n"library"x,y\n', "g.csv:3: not valid CSV"),
    ],
)
def test_a_bad_csv_is_one_line_naming_the_file_and_line(tmp_path, text, where):
    path = tmp_path / "g.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        Glossary.load([path])
    assert str(caught.value).endswith(where) or where in str(caught.value)


def test_a_tbx_from_csv2tbx_loads(tmp_path):
    (tmp_path / "terms.csv").write_text(
        '"source","target"\n"Stone","Stone"\n"city council","conseil municipal"\n',
        encoding="utf-8",
    )
    csv2tbx = Path(sys.executable).parent / "csv2tbx"
    subprocess.run(
        [csv2tbx, "--progress=none", tmp_path / "terms.csv", tmp_path / "terms.tbx"], check=True
    )
    rules = _rules((tmp_path / "terms.tbx").read_text(encoding="utf-8"), tmp_path, "t.tbx")
    # csv2tbx names its target column "xx": it stands for any target
    assert _kinds(rules) == {(DNT, "Stone", ""), (FORCED, "city council", "conseil municipal")}


def test_a_cat_tool_tbx_basic_export_loads(tmp_path):
    rules = _rules(TBX_BASIC, tmp_path, "export.tbx")
    assert _kinds(rules) == {
        (DNT, "Stone", ""),
        (FORCED, "city council", "conseil municipal"),
        (FORBIDDEN, "", "conseil de ville"),  # deprecated
        (DNT, "Globex", ""),  # translationNote "no"
    }


def test_a_tbx_v3_file_loads(tmp_path):
    assert _kinds(_rules(TBX_V3, tmp_path, "v3.tbx")) == {
        (FORCED, "library", "médiathèque"),
        (FORBIDDEN, "", "bibliothèque"),
    }


def test_a_tbx_with_an_entity_declaration_is_refused_in_one_line(tmp_path):
    hostile = '<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "aaaa">]><martif>&a;</martif>'
    path = tmp_path / "evil.tbx"
    path.write_text(hostile, encoding="utf-8")
    with pytest.raises(UsageError, match="evil.tbx: refused"):
        Glossary.load([path])


# -- matching and masking ---------------------------------------------------------------


def test_masking_matches_case_plural_and_longest_first(tmp_path):
    rules = _rules(CSV + "city,ville,,\n", tmp_path)
    mask = rules.mask("City councils heard STONE and the cities' libraries.")
    assert list(mask.fills.values()) == [
        "Conseil municipal",  # forced, capitalised at the start of the sentence
        "STONE",  # kept byte-exact, as written in the source
        "ville",
        "médiathèque",
    ]
    assert "City" not in mask.text and "STONE" not in mask.text
    restored, intact = mask.restore(mask.text.replace("heard", "a entendu"))
    assert intact and restored == "Conseil municipal a entendu STONE and the ville' médiathèque."


def test_acronyms_match_as_written_and_short_terms_are_not_inflected(tmp_path):
    """``IT`` is no "its" and ``a`` no "as": inflection is for terms of three
    letters or more that are not in capitals; an acronym keeps its case."""
    rules = _rules("en,fr\nIT,informatique\na,un\nUN,ONU\n", tmp_path)
    found = rules.mask("He said its IT budget, as planned, was a start; the UN and un agreed.")
    assert sorted(found.fills.values()) == ["ONU", "informatique", "un"]
    text, _intact = found.restore(found.text)
    assert (
        text == "He said its informatique budget, as planned, was un start; the ONU and un agreed."
    )


def test_terms_are_found_among_a_hundred_thousand(tmp_path):
    """Right among many: the index files each term under its first word (the
    time it takes is measured in benchmarks/glossary.py --scale, not here)."""
    lines = ["en,fr"] + [f"survey{n:06d} report,rapport enquête{n:06d}" for n in range(100_000)]
    rules = _rules("\n".join(lines) + "\nlibrary,médiathèque\n", tmp_path)
    text = "The survey000007 reports went to the library, and the survey099999 report too. " * 50
    found = rules.find(text)
    assert len(found) == 150
    assert {r.target for _a, _b, r in found} == {
        "rapport enquête000007",
        "médiathèque",
        "rapport enquête099999",
    }
    assert rules.find("The survey000007 reported nothing; a survey report came.") == []


def test_a_lost_term_placeholder_is_retried_without_the_mask_then_put_at_the_end(tmp_path):
    rules = _rules(CSV, tmp_path)
    segments = ["Stone met the city council.", "Nothing to see."]

    def drops_placeholders(texts: list[str]) -> list[str]:
        return [t.replace("⟦100⟧", "") if "⟦" in t else t.upper() for t in texts]

    out, outcome = translate_with_terms(drops_placeholders, segments, rules)
    # the retry (no mask) gives "STONE MET THE CITY COUNCIL.": "Stone" is not in it
    assert out[0] == "met the conseil municipal. Stone" and out[1] == "NOTHING TO SEE."
    assert (outcome.sentences, outcome.survived, outcome.appended) == (1, 0, 1)

    def copies_unmasked(texts: list[str]) -> list[str]:
        return ["" if "⟦" in t else f"Stone a vu le conseil municipal ({t})" for t in texts]

    out, outcome = translate_with_terms(copies_unmasked, segments[:1], rules)
    assert out[0].startswith("Stone a vu le conseil municipal") and outcome.fallback == 1


# -- into the draft: pseudo engine and a real model ---------------------------------------


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    (root / "src").mkdir(parents=True)
    (root / ".translator").mkdir()
    (root / "src" / "a.md").write_text(ARTICLE, encoding="utf-8")
    (root / "g.csv").write_text(CSV, encoding="utf-8")
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    monkeypatch.chdir(root)
    return root


def _body(path: Path) -> tuple[dict, str]:
    _start, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(meta), body


def _assert_terms(text: str) -> None:
    assert text.count("Stone") == 2 and text.count("STONE") == 1  # byte-exact, each time
    assert text.count("onseil municipal") == 2  # forced, twice (one sentence-initial)
    assert text.count("médiathèque") == 3  # title, and the plural "libraries"
    assert "library" not in text and "council" not in text.lower()


def test_pseudo_engine_keeps_names_and_forces_terms(run_cli, site):
    result = run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build",
                     "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    meta, body = _body(site / "build" / "a.fr.md")
    _assert_terms(meta["title"] + body)
    assert meta["qa"] == {"errors": 0, "warnings": 0}
    assert meta["options"].startswith("glossary=")


def test_the_test_argos_model_keeps_names_and_forces_terms(run_cli, site, installed):
    result = run_cli("localize", "src/", "--to", "fr", "--out", "build", "--glossary", "g.csv")
    assert result.exit_code == 0, result.stderr
    assert "glossary: the model lost a term's placeholder" in result.stderr
    meta, body = _body(site / "build" / "a.fr.md")
    _assert_terms(meta["title"] + body)


def test_a_tbx_from_csv2tbx_steers_the_draft(run_cli, site, installed, tmp_path):
    (tmp_path / "t.csv").write_text(
        '"source","target"\n"Stone","Stone"\n"city council","conseil municipal"\n'
        '"library","médiathèque"\n',
        encoding="utf-8",
    )
    csv2tbx = Path(sys.executable).parent / "csv2tbx"
    subprocess.run([csv2tbx, "--progress=none", tmp_path / "t.csv", site / "t.tbx"], check=True)
    for engine in ("pseudo", "argos"):
        out = f"build-{engine}"
        result = run_cli("localize", "src/", "--to", "fr", "--engine", engine, "--out", out,
                         "--glossary", "t.tbx")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        meta, body = _body(site / out / "a.fr.md")
        _assert_terms(meta["title"] + body)


def test_translate_takes_a_glossary(run_cli, site):
    result = run_cli("translate", "--text", "The city council met Stone.", "--to", "fr",
                     "--engine", "pseudo", "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "conseil municipal" in result.stdout and "Stone" in result.stdout


def test_the_settings_file_names_the_project_glossary(run_cli, site):
    (site / "translator.toml").write_text('glossary = "g.csv"\n', encoding="utf-8")
    result = run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build")
    assert result.exit_code == 0, result.stderr
    meta, body = _body(site / "build" / "a.fr.md")
    _assert_terms(meta["title"] + body)


# -- checked ---------------------------------------------------------------------------------


def test_qa_names_the_glossary_check_on_a_person_s_edit(run_cli, site):
    run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build",
            "--glossary", "g.csv")  # fmt: skip
    variant = site / "build" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace("conseil municipal", "conseil de ville", 1), encoding="utf-8")
    result = run_cli("qa", "src/a.md", str(variant), "--glossary", "g.csv")
    assert result.exit_code == 1
    assert "error: glossary: 'conseil municipal' (the glossary's term) is missing" in result.stdout
    assert "warning: glossary: 'conseil de ville' is a forbidden term (say conseil municipal)" in (
        result.stdout
    )
    # without --glossary, the glossary the variant names (glossary_files) is checked
    assert 'glossary_files: "../g.csv"' in text
    again = run_cli("qa", "src/a.md", str(variant))
    assert again.exit_code == 1 and "error: glossary:" in again.stdout
    (site / "g.csv").rename(site / "gone.csv")  # gone: one warning, its terms not checked
    gone = run_cli("qa", "src/a.md", str(variant))
    assert gone.exit_code == 0 and "g.csv, is not there" in gone.stderr
    assert gone.stderr.count("warning:") == 1
    (site / "gone.csv").rename(site / "g.csv")
    # the edit is taken in as the person's, kept, and its variant records the error
    result = run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build",
                     "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    meta, body = _body(variant)
    assert "conseil de ville" in body and meta["qa"]["errors"] == 1
    report = run_cli("coverage", "src/", "--locales", "fr", "--variants", "build", "--qa",
                     "--glossary", "g.csv", "--format", "json")  # fmt: skip
    cell = json.loads(report.stdout)["articles"][0]["cells"]["fr"]
    assert cell["status"] == "qa" and "glossary" in cell["reason"]


def test_a_glossary_change_retranslates_only_the_sentences_holding_the_term(run_cli, site):
    def run() -> dict:
        result = run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out",
                         "build", "--glossary", "g.csv", "--report", "r.json")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return json.loads((site / "r.json").read_text(encoding="utf-8"))["segments"]

    assert run() == {"translated": 4, "from_memory": 0, "human_edits_kept": 0}
    (site / "g.csv").write_text(CSV.replace("médiathèque", "bibliothèque"), encoding="utf-8")
    # the title and the two sentences with "library"; the one without a term from memory
    assert run() == {"translated": 3, "from_memory": 1, "human_edits_kept": 0}
    _meta, body = _body(site / "build" / "a.fr.md")
    assert "bibliothèque" in body and "médiathèque" not in body


def test_export_carries_each_segment_s_terms(run_cli, site):
    run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build",
            "--glossary", "g.csv")  # fmt: skip
    result = run_cli("export", "src/", "--to", "fr", "--format", "po", "--out", "x",
                     "--glossary", "g.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from translate.storage import po

    store = po.pofile.parsefile(str(site / "x" / "src" / "a.md.fr.po"))  # its path in the project
    first = next(u for u in store.units if u.source.startswith("Stone told"))
    notes = first.getnotes("developer")
    assert "term: 'Stone' (keep as written)" in notes
    assert "term: 'city council' → 'conseil municipal'" in notes


def test_preview_and_review_flag_a_replaced_term(run_cli, site, tmp_path):
    run_cli("localize", "src/", "--to", "fr", "--engine", "pseudo", "--out", "build",
            "--glossary", "g.csv")  # fmt: skip
    variant = site / "build" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("[Stone"))
    french = "Stone a dit lundi au conseil municipal que la bibliothèque ouvrirait en mai."
    variant.write_text(text.replace(first, french), encoding="utf-8")
    page = tmp_path / "p.html"
    result = run_cli("preview", "src/a.md", str(variant), "-o", str(page), "--glossary", "g.csv")
    assert result.exit_code == 0, result.stderr
    assert "glossary: &#39;médiathèque&#39; (the glossary&#39;s term) is missing" in (
        page.read_text(encoding="utf-8")
    )

    from translator.review import Review, ReviewOptions

    taken = run_cli(
        "localize",
        "src/",
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--out",
        "build",
        "--glossary",
        "g.csv",
    )  # fmt: skip  (takes the edit in as the person's)
    assert taken.exit_code == 0 and "1 edited segment(s) kept" in taken.stderr, taken.stderr
    glossary = Glossary.load([site / "g.csv"])
    review = Review(["src/"], ReviewOptions([parse_locale("fr")], out="build", glossary=glossary))
    edited = next(
        s for s in review.article("0", "fr").segments if s.source.startswith("Stone told")
    )
    assert edited.origin == "human" and "bibliothèque" in edited.target
    assert [f.check for f in edited.findings] == ["glossary"]


def test_the_benchmark_measures_a_real_model(installed):
    """benchmarks/glossary.py, on the test model: every term accounted for and
    every name kept (the figures themselves are the benchmark's)."""
    import importlib.util

    from .conftest import ROOT

    folder = str(ROOT / "benchmarks")
    spec = importlib.util.spec_from_file_location("glossary_bench", f"{folder}/glossary.py")
    assert spec and spec.loader
    sys.path.insert(0, folder)
    try:
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        figures = bench.measure(("argos",))
    finally:
        sys.path.remove(folder)
    assert figures["sentences"] >= 100 and figures["names_kept"] is True
    assert figures["survived"] + figures["fallback"] + figures["appended"] == figures["sentences"]


def test_a_term_inside_a_url_or_a_tag_asks_nothing(tmp_path):
    rules = _rules("en,fr\nferry,bac\n", tmp_path)
    source = 'See https://example.org/ferries/timetable and <a href="/ferry">the list</a>.'
    target = 'Voir https://example.org/ferries/timetable et <a href="/ferry">la liste</a>.'
    assert rules.problems(source, target) == []
    assert rules.problems("The ferry left.", "Le navire est parti.") == [
        (True, "'bac' (the glossary's term) is missing")
    ]


def test_the_readme_s_example_glossary_runs_on_the_samples(run_cli, tmp_path):
    from .conftest import ROOT, SAMPLES

    result = run_cli("localize", str(SAMPLES), "--to", "fr", "--engine", "pseudo", "--out",
                     str(tmp_path / "build"), "--glossary",
                     str(ROOT / "docs" / "examples" / "glossary.csv"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "build" / "council-budget.fr.md").read_text(encoding="utf-8")
    assert "conseil municipal" in text and "médiathèque" in text
    assert "qa: {errors: 0" in text
