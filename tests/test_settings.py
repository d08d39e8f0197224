"""One project, one settings file, one name per thing (translator.toml,
``translator init``, ``translator config``), and the figures a CI reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .test_hugo import HUGO, _check_built, _hugo, _site

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SETTINGS = """\
sources = ["content"]
to = ["fr", "es"]
out = "public"
engine = "pseudo"

[export]
format = "xliff"
out = "x"
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site holding only its articles and a translator.toml."""
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    (tmp_path / "content" / "news").mkdir(parents=True)
    shutil.copy(SAMPLES / "de-fahrrad.md", tmp_path / "content" / "news")
    shutil.copy(SAMPLES / "es-incendio.txt", tmp_path / "content")
    (tmp_path / "translator.toml").write_text(SETTINGS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_localize_coverage_and_qa_need_no_arguments(site, run_cli, monkeypatch):
    result = run_cli("localize")
    assert result.exit_code == 0, result.stderr
    assert (site / "public" / "news" / "de-fahrrad.fr.md").is_file()
    assert (site / "public" / "news" / "de-fahrrad.es.md").is_file()
    assert (site / "public" / "es-incendio.fr.md").is_file()
    assert "2 variants:" in result.stderr or "4 variants:" in result.stderr
    gate = run_cli("coverage")
    assert gate.exit_code == 0, gate.stdout + gate.stderr
    assert run_cli("coverage", "--qa").exit_code == 0
    monkeypatch.chdir(site / "content" / "news")  # from a subfolder: found upwards
    nested = run_cli("coverage", "--format", "json")
    assert nested.exit_code == 0, nested.stdout + nested.stderr
    assert json.loads(nested.stdout)["summary"]["articles"] == 2


def test_export_then_import_of_its_folder(site, run_cli):
    assert run_cli("localize").exit_code == 0
    exported = run_cli("export")
    assert exported.exit_code == 0, exported.stderr
    files = sorted(p.relative_to(site).as_posix() for p in (site / "x").rglob("*.xlf"))
    # the Spanish article is not exported to es (already in it)
    assert "x/content/news/de-fahrrad.md.fr.xlf" in files and len(files) == 3
    xlf = site / "x" / "content" / "news" / "de-fahrrad.md.fr.xlf"
    text = xlf.read_text(encoding="utf-8")
    start = text.index("<target>")
    text = text[: start + 8] + "Nouvelle rue cyclable" + text[text.index("</target>", start) :]
    xlf.write_text(text.replace('state="initial"', 'state="translated"', 1), encoding="utf-8")
    imported = run_cli("import", "x")  # a folder, read recursively
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    assert "1 imported" in imported.stdout
    again = run_cli("import")  # [export] out: import reads what export wrote
    assert again.exit_code == 0 and again.stdout.count(".xlf:") == 3
    pattern = run_cli("import", "x/**/*.fr.xlf")  # a pattern the shell left alone
    assert pattern.exit_code == 0 and pattern.stdout.count(".xlf:") == 2
    # the same with the flags the issue names
    flags = run_cli("export", "--format", "xliff", "--out", "y")
    assert flags.exit_code == 0, flags.stderr
    back = run_cli("import", "y")
    assert back.exit_code == 0 and back.stdout.count(".xlf:") == 3, back.stdout + back.stderr


def test_an_article_has_one_export_path_alone_or_with_its_folder(site, run_cli):
    assert run_cli("localize").exit_code == 0
    alone = run_cli("export", "content/news/de-fahrrad.md", "--to", "fr", "--out", "a")
    folder = run_cli("export", "content", "--to", "fr", "--out", "b")
    assert alone.exit_code == folder.exit_code == 0
    assert (site / "a" / "content" / "news" / "de-fahrrad.md.fr.xlf").is_file()
    assert (site / "b" / "content" / "news" / "de-fahrrad.md.fr.xlf").is_file()


def test_a_flag_wins_over_a_key(site, run_cli):
    result = run_cli("localize", "--to", "de", "--out", "elsewhere")
    assert result.exit_code == 0, result.stderr
    assert (site / "elsewhere" / "es-incendio.de.md").is_file()
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('tos = ["fr"]\n', "unknown key 'tos'; did you mean 'to'?"),
        ('layout = "tree"\n', "'layout'"),
        ("to = 3\n", "'to' must be a string or a list of strings"),
        ('[export]\nformats = "po"\n', "[export] has no option 'formats'; did you mean 'format'?"),
        ('[export]\nformat = "docx"\n', "[export] 'format'"),
        ("to = [\n", "not valid TOML"),
    ],
)
def test_a_bad_settings_file_is_one_usage_line_naming_it(site, run_cli, text, said):
    (site / "translator.toml").write_text(text, encoding="utf-8")
    result = run_cli("localize")
    assert result.exit_code == 2
    assert "translator.toml" in result.stderr and said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run_cli("models", "list").exit_code == 0  # a command that reads no settings


def test_config_says_where_each_setting_came_from(site, run_cli):
    result = run_cli("config")
    assert result.exit_code == 0
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines() if "=" in line}
    assert '"pseudo"' in lines["engine"] and "# translator.toml" in lines["engine"]
    assert "filename" in lines["layout"] and "# default" in lines["layout"]
    data = json.loads(run_cli("config", "--format", "json").stdout)
    assert data["sections"] == {"export": {"format": "xliff", "out": "x"}}
    to = next(s for s in data["settings"] if s["key"] == "to")
    assert to == {"key": "to", "value": ["fr", "es"], "from": "translator.toml"}


def test_coverage_takes_to_and_out_and_its_old_names(site, run_cli):
    assert run_cli("localize").exit_code == 0
    (site / "translator.toml").unlink()
    new = run_cli("coverage", "content", "--to", "fr,es", "--out", "public", "--format", "json")
    old = run_cli(
        "coverage", "content", "--locales", "fr,es", "--variants", "public", "--format", "json"
    )
    assert new.exit_code == old.exit_code == 0, new.stderr + old.stderr
    assert json.loads(new.stdout)["summary"] == json.loads(old.stdout)["summary"]
    assert "--locales" not in run_cli("coverage", "--help").stdout
    missing = run_cli("coverage", "content")
    assert (
        missing.exit_code == 2 and "--to" in missing.stderr and "translator.toml" in missing.stderr
    )


def test_jobs_and_inter_threads_say_different_things(run_cli):
    text = " ".join(run_cli("localize", "--help").stdout.split())
    jobs = text.split("--jobs")[1].split("--")[0]
    threads = text.split("--inter-threads")[1].split("--")[0]
    assert "processes" in jobs and "at once" in threads and jobs != threads


@pytest.mark.skipif(HUGO is None, reason="hugo is not installed (.ci/run installs it)")
@pytest.mark.parametrize("layout", ["filename", "dir"])
def test_init_in_a_hugo_site_then_localize_builds(tmp_path, run_cli, monkeypatch, layout):
    _site(tmp_path, layout)
    monkeypatch.chdir(tmp_path)
    made = run_cli("init")
    assert made.exit_code == 0, made.stderr
    settings = (tmp_path / "translator.toml").read_text(encoding="utf-8")
    assert 'to = ["fr", "pt-BR", "ar"]' in settings and 'from = "en"' in settings
    assert f'layout = "{layout}"' in settings
    result = run_cli("localize", "--engine", "pseudo")
    assert result.exit_code == 0, result.stderr
    _hugo(tmp_path)
    _check_built(tmp_path)
    assert run_cli("coverage").exit_code == 0
    again = run_cli("init")  # never over the file there
    assert again.exit_code == 2 and "already there" in again.stderr
    assert (tmp_path / "translator.toml").read_text(encoding="utf-8") == settings


def test_init_reads_mkdocs_static_i18n_and_writes_a_default_elsewhere(tmp_path, run_cli):
    mk = tmp_path / "mk"
    mk.mkdir()
    (mk / "mkdocs.yml").write_text(
        "site_name: Docs\ndocs_dir: pages\nmarkdown_extensions:\n  - pymdownx.superfences:\n"
        "      custom_fences:\n        - name: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
        "plugins:\n  - i18n:\n      docs_structure: suffix\n      languages:\n"
        "        - locale: en\n          default: true\n        - locale: fr\n"
        "        - locale: de\n",
        encoding="utf-8",
    )
    assert run_cli("init", str(mk)).exit_code == 0
    text = (mk / "translator.toml").read_text(encoding="utf-8")
    assert 'sources = ["pages"]' in text and 'to = ["fr", "de"]' in text
    plain = tmp_path / "plain"
    plain.mkdir()
    assert run_cli("init", str(plain)).exit_code == 0
    default = (plain / "translator.toml").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in default.splitlines() if line.strip())


def test_the_reviewed_share_counts_every_variant_and_leaves_copies_out(
    tmp_path, run_cli, monkeypatch
):
    """Reviewed segments count whatever a variant's status: an unrelated article
    going stale does not move the figure; a copy (a source in the locale's own
    language) is on neither side."""
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget\n---\n\nThe vote was close.\n\nThe mayor spoke.\n", encoding="utf-8"
    )
    (tmp_path / "site" / "b.md").write_text(
        "---\ntitle: Harbour\n---\n\nThe ferry stops running.\n", encoding="utf-8"
    )
    shutil.copy(SAMPLES / "de-fahrrad.md", tmp_path / "site")  # German: a copy for de
    args = ("localize", "site", "--to", "de", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.de.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(pseudo_localize("The vote was close."), "Knapp."), "utf-8")
    assert run_cli(*args).exit_code == 0

    def reviewed() -> float:
        out = run_cli("coverage", "site", "--to", "de", "--min", "0", "--format", "json")
        return json.loads(out.stdout)["locales"]["de"]["reviewed_percent"]

    before = reviewed()
    assert before == pytest.approx(100 * 1 / 5, abs=0.01)  # a: 3 segments, b: 2; the copy: none
    (tmp_path / "site" / "b.md").write_text(
        "---\ntitle: Harbour\n---\n\nThe ferry runs again.\n", encoding="utf-8"
    )  # b goes stale
    assert reviewed() == before
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace("qa: {errors: 0", "qa: {errors: 2"), encoding="utf-8")
    # a variant in qa status (recorded by hand here) keeps its people's segments counted
    cells = json.loads(
        run_cli("coverage", "site", "--to", "de", "--min", "0", "--format", "json").stdout
    )["articles"]
    a = next(c for c in cells if c["path"].endswith("a.md"))["cells"]["de"]
    assert a["human"] == 1


def test_a_preview_is_written_out_of_the_articles_and_never_taken_for_one(
    tmp_path, run_cli, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".translator").mkdir()
    (tmp_path / "site").mkdir()
    shutil.copy(SAMPLES / "es-incendio.txt", tmp_path / "site")
    result = run_cli("preview", "site/es-incendio.txt", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 0, result.stderr
    page = Path(result.stdout.strip())
    assert page.parts[0] == ".translator" and page.is_file()
    # one written by hand among the articles, and one under a hidden folder
    named = run_cli("preview", "site/es-incendio.txt", "--to", "fr", "--engine", "pseudo",
                    "-o", "site/look.html")  # fmt: skip
    assert named.exit_code == 0
    localized = run_cli("localize", ".", "--to", "de", "--engine", "pseudo")
    assert localized.exit_code == 0, localized.stderr
    made = sorted(p.name for p in tmp_path.rglob("*.de.md"))
    assert made == ["es-incendio.de.md"], made


def test_preview_refuses_options_that_have_no_effect_with_a_variant(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLES / "es-incendio.txt", tmp_path)
    assert run_cli("localize", "es-incendio.txt", "--to", "fr", "--engine", "pseudo").exit_code == 0
    for extra, said in ((("--to", "de"), "--to de has no effect"),
                        (("--engine", "pseudo"), "--engine has no effect")):  # fmt: skip
        result = run_cli("preview", "es-incendio.txt", "es-incendio.fr.md", *extra)
        assert result.exit_code == 2 and said in result.stderr, result.stderr
    same = run_cli("preview", "es-incendio.txt", "es-incendio.fr.md", "--to", "fr")
    assert same.exit_code == 0, same.stderr


def test_a_locale_without_a_catalog_gets_a_dateline_in_one_language(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(
        "---\ntitle: Budget\ndate: 2025-05-02\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    result = run_cli("localize", "a.md", "--to", "he", "--engine", "pseudo")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "a.he.md").read_text(encoding="utf-8")
    assert "Published on May 2, 2025 · Original language: English" in text
    assert "במאי" not in text
    warning = next(ln for ln in result.stderr.splitlines() if "no catalog for he" in ln)
    assert "pybabel init -D translator -l he -d locales" in warning


def test_a_projects_catalog_wins_over_the_tools(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".translator").mkdir()
    (tmp_path / "a.md").write_text(
        "---\ntitle: Budget\ndate: 2025-05-02\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    catalog = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "translator.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Published on {date}"\nmsgstr "Mis en ligne le {date}"\n',
        encoding="utf-8",
    )
    assert run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert "Mis en ligne le 2 mai 2025" in (tmp_path / "a.fr.md").read_text(encoding="utf-8")


def test_models_available_reads_an_index_carried_in_by_hand(tmp_path, run_cli):
    index = tmp_path / "index.json"
    index.write_text(
        json.dumps(
            [
                {
                    "package_version": "1.9",
                    "argos_version": "1.9",
                    "from_code": "en",
                    "to_code": "fr",
                    "from_name": "English",
                    "to_name": "French",
                    "links": ["https://example.org/en_fr.argosmodel"],
                    "name": "English - French",
                }
            ]
        ),  # fmt: skip
        encoding="utf-8",
    )
    result = run_cli("models", "available", "--index", str(index))
    assert result.exit_code == 0, result.stderr
    assert "en→fr" in result.stdout and "offline" in result.stderr
    both = run_cli("models", "available", "--index", str(index), "--refresh")
    assert both.exit_code == 2


def test_counts_in_messages_agree_in_number(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("---\ntitle: Budget\n---\n\nThe vote was close.\n", "utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: Harbour\n---\n\nThe ferry stops.\n", "utf-8")
    (tmp_path / "b.fr.md").write_text("Ma traduction.\n", encoding="utf-8")  # a person's file
    (tmp_path / "b.fr.md").write_text("# Port\n\nUn.\n\nDeux.\n", encoding="utf-8")
    result = run_cli("localize", "a.md", "b.md", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 1
    summary = next(ln for ln in result.stderr.splitlines() if " written, " in ln)
    assert summary.startswith("2 variants: 1 written, 0 unchanged, 0 skipped (fresh), 1 failed; ")
    assert "; 1 file failed;" in summary
    one = run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo")
    assert "1 variant: " in one.stderr and "0 files failed" in one.stderr
