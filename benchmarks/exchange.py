"""People's work in and out: export/import, TMX import, edit harvesting.

Whole CLI calls in fresh processes (``translator ...``), with the pseudo
engine, on a generated corpus of Markdown articles (front matter, six
paragraphs of two sentences):

1. ``export`` of ARTICLES x 2 locales to XLIFF, every target marked
   translated, then ``import`` of all the files: time and peak memory of
   each, and the import's time over a plain insert of the same human
   entries into a memory (in this process, the floor any import has).
2. ``cache import`` of a TMX file of UNITS units, and of a quarter of it:
   time, and peak memory at both sizes (streamed: it should not grow).
3. Edit harvesting: HARVEST articles localized, a tenth of the variants
   edited by hand (one sentence each), ``localize`` again: the edited
   segments kept, no model call for them (none at all: no source changed),
   and the same outputs in two separate runs from the same inputs.

Limits in ``benchmarks/exchange_baseline.json``.

    python benchmarks/exchange.py [--articles 1000] [--units 100000] [--harvest 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gate import gate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = Path(__file__).with_name("exchange_baseline.json")

_WORDS = (
    "council budget school road housing vote month talks residents money library bridge "
    "market harbour ferry station mayor report plan city river park hospital"
).split()


def translator() -> list[str]:
    script = Path(sys.executable).with_name("translator")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "translator"]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stderr) of one CLI call; fails loudly on exit > 1."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        translator() + args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if code not in (0,):
        raise SystemExit(f"translator {' '.join(args[:3])}… exited {code}:\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, stderr


def letters(number: int) -> str:
    """A count in letters (a person's edit holds no number its source lacks)."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[digit] + out
        if not number:
            return out


def sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 12))]
    return " ".join(words).capitalize() + "."


def corpus(folder: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(count):
        paragraphs = [f"{sentence(rng)} {sentence(rng)}" for _ in range(6)]
        title = f"Report {n} on the {rng.choice(_WORDS)}"
        body = "\n\n".join(paragraphs)
        (folder / f"a{n:04d}.md").write_text(
            f"---\ntitle: {title}\ndate: 2025-03-18\n---\n\n# {title}\n\n{body}\n", encoding="utf-8"
        )


def plain_insert_seconds(entries: int, path: Path) -> float:
    from translator.memory import HumanEntry, Memory

    memory = Memory(path)
    rows = [
        HumanEntry(f"Segment number {i} of the corpus.", f"Segment {i}.") for i in range(entries)
    ]
    started = time.perf_counter()
    memory.put_human(rows, "en", "fr")
    seconds = time.perf_counter() - started
    memory.close()
    return seconds


def export_import(work: Path, articles: int, env: dict[str, str], figures: dict) -> None:
    corpus(work / "src", articles)
    run(["localize", "src", "--to", "fr,de", "--engine", "pseudo", "--out", "build",
         "--cache", "m.sqlite3", "--quiet"], work, env)  # fmt: skip
    seconds, rss, _ = run(
        ["export", "src", "--to", "fr,de", "--out", "x", "--cache", "m.sqlite3"], work, env
    )
    figures["export_seconds"] = round(seconds, 2)
    figures["export_peak_rss_mb"] = round(rss, 1)
    files = sorted(str(p.relative_to(work)) for p in (work / "x").rglob("*.xlf"))
    units = 0
    for name in files:
        path = work / name
        text = path.read_text(encoding="utf-8")
        units += text.count("<unit ")
        path.write_text(translated(text, "de" if ".de." in name else "fr"), encoding="utf-8")
    seconds, rss, stderr = run(["import", *files, "--cache", "m.sqlite3"], work, env)
    figures["import_seconds"] = round(seconds, 2)
    figures["import_peak_rss_mb"] = round(rss, 1)
    figures["exchange_files"] = len(files)
    figures["exchange_units"] = units
    insert = plain_insert_seconds(units, work / "plain.sqlite3")
    figures["plain_insert_seconds"] = round(insert, 3)
    figures["import_over_plain_insert"] = round(seconds / insert, 1) if insert else None
    figures["import_ms_per_unit"] = round(1000 * seconds / units, 3)


_PEOPLE = {  # what a translator writes: the source's numbers in a sentence of the language
    "fr": "Le conseil municipal a parlé du budget de la ville {} avec les habitants du quartier.",
    "de": "Der Stadtrat hat mit den Bewohnern des Viertels über den Haushalt {} gesprochen.",
}
_UNIT = re.compile(r"(<unit .*?</unit>)", re.DOTALL)


def translated(xliff: str, lang: str) -> str:
    """An exported XLIFF 2.1 file with every unit translated by a person: a
    sentence of the target language holding the source's numbers, marked
    translated (import takes a file whole, and each unit passes the QA checks)."""

    def unit(match: re.Match[str]) -> str:
        block = match.group(1)
        source = re.sub(r"<[^>]+>", "", block.split("<source>", 1)[1].split("</source>", 1)[0])
        target = _PEOPLE[lang].format(" ".join(re.findall(r"\d+", source)))
        body = re.sub(r"<target>.*?</target>", "", block, flags=re.DOTALL)
        body = body.replace("</source>", f"</source>\n        <target>{target}</target>", 1)
        return body.replace('state="initial"', 'state="translated"')

    return _UNIT.sub(unit, xliff)


def tmx_file(path: Path, units: int) -> None:
    rng = random.Random(units)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        fh.write('<header creationtool="bench" segtype="sentence" o-tmf="x" adminlang="en" '
                 'srclang="en" datatype="plaintext"/>\n<body>\n')  # fmt: skip
        for i in range(units):
            source = f"{sentence(rng)[:-1]} number {i}."
            fh.write(
                f'<tu><tuv xml:lang="en"><seg>{source}</seg></tuv>'
                f'<tuv xml:lang="fr"><seg>Phrase {i}.</seg></tuv></tu>\n'
            )
        fh.write("</body>\n</tmx>\n")


def tmx_import(work: Path, units: int, env: dict[str, str], figures: dict) -> None:
    for count, key in ((units // 4, "quarter"), (units, "full")):
        path = work / f"{key}.tmx"
        tmx_file(path, count)
        seconds, rss, _ = run(
            ["cache", "import", path.name, "--cache", f"{key}.sqlite3"], work, env
        )
        figures[f"tmx_{key}_units"] = count
        figures[f"tmx_{key}_seconds"] = round(seconds, 2)
        figures[f"tmx_{key}_peak_rss_mb"] = round(rss, 1)
    figures["tmx_import_seconds"] = figures["tmx_full_seconds"]
    figures["tmx_rss_full_over_quarter"] = round(
        figures["tmx_full_peak_rss_mb"] / figures["tmx_quarter_peak_rss_mb"], 3
    )


def harvest_once(work: Path, articles: int, env: dict[str, str]) -> tuple[dict, dict[str, bytes]]:
    corpus(work / "src", articles, seed=7)
    args = ["localize", "src", "--to", "fr", "--engine", "pseudo", "--out", "build",
            "--cache", "m.sqlite3", "--quiet"]  # fmt: skip
    run(args, work, env)
    edited = 0
    for path in sorted((work / "build").glob("*.md"))[::10]:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        # the first body paragraph's first sentence, rewritten by a person
        index = next(i for i, ln in enumerate(lines) if ln.startswith("[") and "] [" in ln)
        first = lines[index].split("] [")[0] + "]"
        lines[index] = lines[index].replace(
            first, f"Une phrase revue par la rédaction, version {letters(edited)}.", 1
        )
        path.write_text("\n".join(lines), encoding="utf-8")
        edited += 1
    seconds, _rss, stderr = run(args[:-1] + ["--report", "r.json"], work, env)
    report = json.loads((work / "r.json").read_text(encoding="utf-8"))
    outputs = {p.name: p.read_bytes() for p in sorted((work / "build").iterdir())}
    kept = sum(
        f"Une phrase revue par la rédaction, version {letters(n)}." in outputs[name].decode("utf-8")
        for n, name in enumerate(sorted(outputs)[::10])
    )
    return {
        "edited_variants": edited,
        "human_edits_kept": report["segments"]["human_edits_kept"],
        "edits_in_outputs": kept,
        "model_calls": report["model_calls"],
        "seconds": round(seconds, 2),
    }, outputs


def harvest(work: Path, articles: int, env: dict[str, str], figures: dict) -> None:
    first, out_a = harvest_once(work / "a", articles, env)
    _second, out_b = harvest_once(work / "b", articles, env)
    figures["harvest_edited_variants"] = first["edited_variants"]
    figures["harvest_edits_kept"] = first["human_edits_kept"]
    figures["harvest_all_edits_in_outputs"] = first["edits_in_outputs"] == first["edited_variants"]
    figures["harvest_model_calls"] = first["model_calls"]
    figures["harvest_seconds"] = first["seconds"]
    figures["harvest_outputs_identical"] = out_a == out_b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--harvest", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="exchange-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
        for name, job, size in (
            ("export", export_import, args.articles),
            ("tmx", tmx_import, args.units),
            ("harvest", harvest, args.harvest),
        ):
            (work / name).mkdir()
            job(work / name, size, env, figures)
    return gate(figures, BASELINE, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
