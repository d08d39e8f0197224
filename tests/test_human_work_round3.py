"""Human work, round 3: what a person does to a project is never undone by
moving it, and the whitespace a person's text carries is kept as written."""

from __future__ import annotations

import pytest


def test_a_moved_project_re_exports_over_its_own_untouched_files(tmp_path, run_cli, monkeypatch):
    """exports.json records paths relative to the project: moved, the project's
    untouched exported files are export's own, not a translator's changes."""
    first = tmp_path / "one"
    (first / "site").mkdir(parents=True)
    (first / ".translator").mkdir()
    (first / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)  # the project's own memory
    monkeypatch.chdir(first)
    assert run_cli("localize", "site", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert run_cli("export", "site", "--to", "fr", "--out", "x").exit_code == 0
    record = (first / ".translator" / "exports.json").read_text(encoding="utf-8")
    assert str(first) not in record
    moved = tmp_path / "two"
    first.rename(moved)
    monkeypatch.chdir(moved)
    again = run_cli("export", "site", "--to", "fr", "--out", "x")
    assert again.exit_code == 0, again.stderr
    assert "changed since" not in again.stdout + again.stderr


def test_no_break_spaces_of_a_hand_edit_are_kept_byte_exact(tmp_path, run_cli, monkeypatch):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe mayor said hello.\n\nThe vote was close.\n",
        encoding="utf-8",
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    mine = "Le maire a dit\u00a0: «\u00a0bonjour\u00a0»\u202f!"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(pseudo_localize("The mayor said hello."), mine), "utf-8")
    assert run_cli(*args).exit_code == 0
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe mayor said hello.\n\nThe vote was very close.\n",
        encoding="utf-8",
    )  # the source changes elsewhere: the variant is written again from the memory
    assert run_cli(*args).exit_code == 0
    assert mine in variant.read_text(encoding="utf-8")


def test_a_review_save_keeps_the_date_the_variant_was_localized_with(
    tmp_path, monkeypatch, run_cli
):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\ndate: 2025-09-04\n---\n\nThe vote was close.\n", "utf-8"
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--date", "2024-01-02")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    assert "date: 2024-01-02" in variant.read_text(encoding="utf-8")
    review = Review(["site"], ReviewOptions(parse_locales("fr")))
    segment = next(
        s for s in review.article("0", "fr").segments if s.source == "The vote was close."
    )
    saved = review.save("0", "fr", segment.id, "Le vote fut serré.", segment.target)
    assert saved.ok, saved.message
    text = variant.read_text(encoding="utf-8")
    assert "Le vote fut serré." in text and "date: 2024-01-02" in text
    assert "2 janvier 2024" in text and "2025" not in text.split("---\n")[1].split("source")[0]


def _project(root, run_cli, monkeypatch):
    (root / "site").mkdir(parents=True)
    (root / ".translator").mkdir()
    (root / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    assert run_cli("localize", "site", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert run_cli("export", "site", "--to", "fr", "--out", "x").exit_code == 0
    xlf = root / "x" / "a.md.fr.xlf"
    text = xlf.read_text(encoding="utf-8")
    start = text.index("<target>", text.index("The vote was close."))
    text = text[: start + 8] + "Le vote fut serré." + text[text.index("</target>", start) :]
    xlf.write_text(text.replace('state="initial"', 'state="translated"'), encoding="utf-8")
    return xlf


def _human_rows(memory):
    import sqlite3

    with sqlite3.connect(memory) as db:
        return db.execute("SELECT target FROM memory WHERE origin = 'human'").fetchall()


def test_an_import_from_elsewhere_goes_to_the_projects_memory(tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    xlf = _project(tmp_path / "proj", run_cli, monkeypatch)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    moved = downloads / "x.xlf"
    xlf.rename(moved)
    result = run_cli("import", str(moved))  # run in the project
    assert result.exit_code == 0, result.stderr
    assert "memory .translator/memory.sqlite3" in result.stdout
    assert not (downloads / ".translator").exists()
    assert ("Le vote fut serré.",) in _human_rows(
        tmp_path / "proj" / ".translator" / "memory.sqlite3"
    )


def test_an_import_whose_articles_are_in_another_project_is_one_line(
    tmp_path, run_cli, monkeypatch
):
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    one = _project(tmp_path / "one", run_cli, monkeypatch)
    other = tmp_path / "two"
    _project(other, run_cli, monkeypatch)
    monkeypatch.chdir(other)
    # the file of project one names site/a.md: here, that is project two's article;
    # a file naming project one's article by its absolute path belongs there
    text = one.read_text(encoding="utf-8").replace(
        'original="site/a.md"', f'original="{tmp_path / "one" / "site" / "a.md"}"'
    )
    mixed = other / "mixed.xlf"
    mixed.write_text(text, encoding="utf-8")
    result = run_cli("import", str(mixed), str(other / "x" / "a.md.fr.xlf"))
    assert result.exit_code == 1
    line = [ln for ln in result.stderr.splitlines() if "mixed.xlf" in ln]
    assert len(line) == 1 and "another project" in line[0], result.stderr


def test_previous_translations_find_their_own_old_sources_among_many():
    """The word index shortlists the old sources a changed segment is compared
    with (linear time); each changed sentence still gets its own old one."""
    import random
    from types import SimpleNamespace

    from translator import people
    from translator.memory import normalise

    rng = random.Random(1)
    words = "council library budget bridge river market school road harbour ferry".split()
    old, new = [], []
    for i in range(120):
        w = rng.sample(words, 5)
        sentence = f"The {w[0]} and the {w[1]} near the {w[2]} met in meeting {i} on the {w[3]}."
        old.append(normalise(sentence))
        new.append(sentence.replace(" met in", " finally met in"))
    rows = [SimpleNamespace(source=s, target=f"t{i}") for i, s in enumerate(old)]
    answers = SimpleNamespace(by_index={}, previous={})
    people._previous(SimpleNamespace(segments=new), rows, [normalise(s) for s in new], answers)
    assert {i: r.target for i, r in answers.previous.items()} == {i: f"t{i}" for i in range(120)}


SOURCE = """---
title: Budget vote
date: 2025-09-04
---

The vote was close.

```sh
make check  # run the checks
```
"""


@pytest.mark.parametrize(
    "old, new, what",
    [
        ("make check  # run the checks", "make check  # lance les tests", "outside its sentences"),
        ("Publié le 4 septembre 2025", "Publié le jeudi 4 septembre 2025", "published line"),
        ('date_display: "4 septembre 2025"', 'date_display: "jeudi 4 septembre"', "date_display"),
    ],
)
def test_an_edit_outside_sentences_is_never_reverted_silently(
    tmp_path, run_cli, monkeypatch, old, new, what
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(SOURCE, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new)
    variant.write_text(edited, encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 1
    line = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(line) == 1 and what in line[0] and "left as it is" in line[0], line
    assert variant.read_text(encoding="utf-8") == edited  # the person's text, as they wrote it


def test_a_hand_edit_of_a_page_whose_description_is_translated_is_taken(
    tmp_path, run_cli, monkeypatch
):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\ndescription: How the council voted.\n---\n\n"
        "The vote was close.\n",
        encoding="utf-8",
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(pseudo_localize("The vote was close."), "Le vote fut serré."))
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    again = variant.read_text(encoding="utf-8")
    assert "Le vote fut serré." in again
    assert f'description: "{pseudo_localize("How the council voted.")}"' in again


BUDGET = (
    "---\ntitle: Budget\n---\n\nThe library will cost 2.4 million euros.\n\nThe vote was close.\n"
)


def _budget_site(root, run_cli, monkeypatch, settings: str = ""):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    monkeypatch.chdir(root)
    (root / "site").mkdir()
    (root / ".translator").mkdir()
    if settings:
        (root / "translator.toml").write_text(settings, encoding="utf-8")
    (root / "site" / "a.md").write_text(BUDGET, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo")
    assert run_cli(*args).exit_code == 0
    variant = root / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    shorter = "La bibliothèque coûtera des millions."  # the person dropped "2.4"
    variant.write_text(text.replace(pseudo_localize("The library will cost 2.4 million euros."),
                                    shorter), encoding="utf-8")  # fmt: skip
    return args, variant, shorter


def test_an_edit_that_drops_a_number_is_kept_and_flagged(tmp_path, run_cli, monkeypatch):
    args, variant, shorter = _budget_site(tmp_path, run_cli, monkeypatch)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    text = variant.read_text(encoding="utf-8")
    assert shorter in text and "qa: {errors: 1, warnings: 0}" in text
    gate = run_cli("coverage", "site", "--locales", "fr", "--qa")
    assert gate.exit_code == 1 and "qa" in gate.stdout
    qa = run_cli("qa", "site/a.md", str(variant))
    assert qa.exit_code == 1 and "numbers" in qa.stdout


def test_enforce_numbers_refuses_the_same_edit_with_a_message_about_numbers(
    tmp_path, run_cli, monkeypatch
):
    args, variant, shorter = _budget_site(tmp_path, run_cli, monkeypatch, 'enforce = ["numbers"]\n')
    result = run_cli(*args)
    assert result.exit_code == 1
    assert "QA numbers: 2.4 in the source has no match" in result.stderr
    assert "enforce" in result.stderr  # the fix: take numbers out of enforce, or fix the text
    assert shorter in variant.read_text(encoding="utf-8")  # left as it is


def test_an_unknown_enforced_check_is_a_usage_error(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "translator.toml").write_text('enforce = ["nope"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text(BUDGET, encoding="utf-8")
    result = run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 2 and "enforce" in result.stderr and "nope" in result.stderr
