"""What site generators need from variants: front matter formats, file names,
protected template tags, inline markup in HTML, copies of same-language sources,
and the labels of Chinese in either script."""

from __future__ import annotations

import json
import tomllib

from translator import protect
from translator.frontmatter import split_front_matter

TOML = """+++
title = "Le pont rouvre"
date = 2025-09-04T08:30:00+02:00
draft = false
tags = ["ville", "pont"]
[params]
  author = "Sam"
+++

Le vieux pont rouvre jeudi après deux ans de travaux sur ses arches.
"""
JSON = """{
  "title": "Le pont rouvre",
  "date": "2025-09-04",
  "weight": 3,
  "params": {"author": "Sam"}
}

Le vieux pont rouvre jeudi après deux ans de travaux sur ses arches.
"""


def _german(run_cli, source, out):
    """Localize *source* into German under *out*; the variant's text."""
    result = run_cli("localize", source, "--to", "de", "--engine", "pseudo", "--out", out)
    assert result.exit_code == 0, result.stderr
    return (out / "pont.de.md").read_text(encoding="utf-8")


def test_toml_front_matter_is_written_back_as_toml_with_typed_values(run_cli, write, tmp_path):
    source = write("pont.md", TOML)
    text = _german(run_cli, source, tmp_path / "o")
    raw = text.split("+++\n")[1]
    data = tomllib.loads(raw)
    assert data["date"].isoformat() == "2025-09-04T08:30:00+02:00"  # a TOML datetime
    assert data["draft"] is False and data["tags"] == ["ville", "pont"]
    assert data["params"] == {"author": "Sam"} and data["lang"] == "de"
    assert "translation_key" in data and "translationKey" not in data
    assert run_cli("qa", source, tmp_path / "o" / "pont.de.md").exit_code == 0


def test_json_front_matter_is_written_back_as_json(run_cli, write, tmp_path):
    source = write("pont.md", JSON)
    text = _german(run_cli, source, tmp_path / "o")
    assert text.startswith("{\n")
    data = split_front_matter("x", text)[1]
    assert data["weight"] == 3 and data["params"] == {"author": "Sam"} and data["lang"] == "de"
    # fresh on the second run: the metadata reads back
    again = run_cli("localize", source, "--to", "de", "--engine", "pseudo", "--out", tmp_path / "o")
    assert "1 skipped (fresh)" in again.stderr


def test_translate_keeps_toml_and_json_front_matter(run_cli, write):
    for name, text in (("t.md", TOML), ("j.md", JSON)):
        source = write(name, text)
        result = run_cli("translate", source, "--to", "de", "--engine", "pseudo")
        assert result.exit_code == 0, result.stderr
        data = split_front_matter("x", result.stdout)[1]
        assert data["title"].startswith("[") and data["params"] == {"author": "Sam"}


def test_bad_toml_front_matter_names_its_line(run_cli, write):
    source = write("bad.md", '+++\ntitle = "A"\ndate = \n+++\n\nText of the article here.\n')
    result = run_cli("detect", source)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {source}:3: front matter:")


def test_a_source_s_translation_key_is_written_as_hugo_s(run_cli, write, tmp_path):
    source = write("p.md", "---\ntitle: Pont\ntranslationKey: pont\n---\n\nLe pont rouvre jeudi.\n")
    assert run_cli("localize", source, "--to", "de", "--engine", "pseudo").exit_code == 0
    text = (tmp_path / "p.de.md").read_text(encoding="utf-8")
    assert "\ntranslationKey: pont\n" in text and "translation_key" not in text


def test_file_names_carry_lowercase_tags_and_coverage_accepts_both(run_cli, write, tmp_path):
    source = write("p.md", "---\ntitle: Pont\n---\n\nLe vieux pont rouvre jeudi.\n")
    assert run_cli("localize", source, "--to", "pt-BR", "--engine", "pseudo").exit_code == 0
    variant = tmp_path / "p.pt-br.md"
    assert "\nlang: pt-BR\n" in variant.read_text(encoding="utf-8")
    assert run_cli("coverage", source, "--locales", "pt-BR").exit_code == 0
    variant.rename(tmp_path / "p.pt-BR.md")  # as an earlier version named it
    assert run_cli("coverage", source, "--locales", "pt-BR").exit_code == 0


def test_template_tags_are_protected_spans():
    text = 'Voir {{< ref "posts/a.md" >}}, {{% note %}}ceci{{% /note %}} et {% if x %}{{ y }}.'
    masked = protect.mask(text, "markdown")
    assert masked.spans[:2] == ['{{< ref "posts/a.md" >}}', "{{% note %}}"]
    assert "{{ y }}" in masked.spans and "{% if x %}" in masked.spans
    dropped = masked.text.replace("⟦0⟧", "")
    restored, events = protect.unmask(dropped, masked)
    assert '{{< ref "posts/a.md" >}}' in restored
    assert [(e.action, e.span) for e in events] == [("restored", '{{< ref "posts/a.md" >}}')]


def test_shortcode_lines_stay_byte_exact_in_variants(run_cli, write, tmp_path):
    body = (
        '---\ntitle: Pont\n---\n\n{{< figure src="pont.png" title="Le pont" >}}\n\n'
        '{{< highlight go >}}\nfunc main() { println("pont") }\n{{< /highlight >}}\n\n'
        "Le vieux pont rouvre jeudi après deux ans de travaux.\n"
    )
    source = write("p.md", body)
    assert run_cli("localize", source, "--to", "de", "--engine", "pseudo").exit_code == 0
    text = (tmp_path / "p.de.md").read_text(encoding="utf-8")
    assert '\n{{< figure src="pont.png" title="Le pont" >}}\n' in text
    assert '{{< highlight go >}}\nfunc main() { println("pont") }\n{{< /highlight >}}' in text
    assert run_cli("qa", source, tmp_path / "p.de.md").exit_code == 0


def test_html_variants_keep_links_and_emphasis_of_markdown(run_cli, write, tmp_path):
    source = write(
        "p.md",
        "---\ntitle: Pont\n---\n\nLe **vieux** pont rouvre, voir [le plan](https://example.org/plan) "
        "et [ceci](javascript:alert(1)).\n",
    )
    args = ["localize", source, "--to", "de", "--engine", "pseudo", "--format", "html"]
    assert run_cli(*args).exit_code == 0
    page = (tmp_path / "p.de.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/plan">' in page and "<strong>" in page
    assert 'href="javascript:' not in page  # markdown-it leaves such a link as text


def test_a_source_in_the_target_language_is_copied(run_cli, write, tmp_path):
    source = write(
        "p.md", "---\ntitle: Le pont\n---\n\nLe vieux pont rouvre jeudi après deux ans.\n"
    )
    args = ["localize", source, "--to", "fr", "--engine", "argos", "--report", tmp_path / "r.json"]
    result = run_cli(*args)  # no fr->fr model is needed, none is installed
    assert result.exit_code == 0, result.stderr
    assert "1 copied (already in the target's language)" in result.stderr
    text = (tmp_path / "p.fr.md").read_text(encoding="utf-8")
    assert "\nengine: identity\n" in text and "Le vieux pont rouvre jeudi après deux ans." in text
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["copied"] == 1 and report["model_calls"] == 0


def test_chinese_labels_follow_the_script(run_cli, write, tmp_path):
    source = write(
        "p.md", "---\ntitle: Pont\ndate: 2025-09-04\n---\n\nLe vieux pont rouvre jeudi.\n"
    )
    args = ["localize", source, "--to", "zh-Hant,zh-TW,zh-Hans", "--engine", "pseudo"]
    assert run_cli(*args).exit_code == 0
    for tag in ("zh-hant", "zh-tw"):
        text = (tmp_path / f"p.{tag}.md").read_text(encoding="utf-8")
        assert "原文語言" in text and "發佈於" in text
    simplified = (tmp_path / "p.zh-hans.md").read_text(encoding="utf-8")
    assert "原文语言" in simplified and "发布于" in simplified


def test_qa_flags_a_shortcode_a_person_removed(run_cli, write, tmp_path):
    source = write("p.md", '---\ntitle: Pont\n---\n\nVoir {{< ref "a.md" >}} pour le vieux pont.\n')
    assert run_cli("localize", source, "--to", "de", "--engine", "pseudo").exit_code == 0
    variant = tmp_path / "p.de.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace('{{< ref "a.md" >}}', "dort"), encoding="utf-8")
    result = run_cli("qa", source, variant)
    assert result.exit_code == 1
    assert "protected-spans" in result.stdout and "{{< ref" in result.stdout


def test_a_person_s_edit_of_a_copied_variant_survives_a_source_change(run_cli, write, tmp_path):
    source = write(
        "p.md",
        "---\ntitle: Le pont\n---\n\nLe vieux pont rouvre jeudi.\n\nLes bateaux attendent.\n",
    )
    args = [
        "localize",
        source,
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--cache",
        tmp_path / "m.sqlite3",
    ]
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "p.fr.md"
    edit = variant.read_text(encoding="utf-8").replace("attendent", "attendent encore")
    variant.write_text(edit, encoding="utf-8")
    kept = run_cli(*args)  # the source is unchanged: the edit goes to the memory
    assert kept.exit_code == 0 and "1 edited segment(s) kept" in kept.stderr
    source.write_text(source.read_text(encoding="utf-8").replace("jeudi", "vendredi"), "utf-8")
    assert run_cli(*args).exit_code == 0
    text = variant.read_text(encoding="utf-8")
    assert "Les bateaux attendent encore." in text and "Le vieux pont rouvre vendredi." in text


def test_an_edited_copy_of_a_changed_source_is_refused_and_kept(run_cli, write, tmp_path):
    source = write("p.md", "---\ntitle: Le pont\n---\n\nLe vieux pont rouvre jeudi.\n")
    args = [
        "localize",
        source,
        "--to",
        "fr",
        "--engine",
        "pseudo",
        "--cache",
        tmp_path / "m.sqlite3",
    ]
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "p.fr.md"
    edit = variant.read_text(encoding="utf-8").replace("vieux", "très vieux")
    variant.write_text(edit, encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace("jeudi", "vendredi"), "utf-8")
    result = run_cli(*args)
    assert result.exit_code == 1
    assert variant.read_text(encoding="utf-8") == edit
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert str(variant) in line and "copy of a source in its own language" in line
