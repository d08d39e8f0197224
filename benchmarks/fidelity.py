"""Structure fidelity on real Markdown: a variant is its source with the prose
translated, and every other byte is the source's.

Reads the development corpus beside the project (``../shared/eval/markdown/``,
or ``--data DIR``: every ``.md``/``.markdown`` file under its ``corpus/``),
copies it to a temporary folder and localizes it to fr with the pseudo engine
and ``--from en``, as one ``translator localize`` call, the way a user runs it.
In the same run, where they are installed, two established gettext tools for
Markdown go through the same files the same way, each in its own process:

* mdpo (``markdown_to_pofile`` then ``pofile_to_markdown``; front matter split
  off and put back, since mdpo does not read it);
* po4a (``po4a-updatepo`` then ``po4a-translate``, text format with
  ``-o markdown``, Debian's package).

Their messages are pseudo-translated as the tool's segments are: protected
spans (URLs, code, markup) masked, letters accented, spans put back (the
padding written ``·``, since they rewrap paragraphs and a line of ``~``
would open a fence).

Each source and its output are parsed with markdown-it-py (CommonMark and GFM
tables: a reader that knows none of the extensions, so that no tool is judged
by its own parser) and compared:

* ``structure_kept``: the share of files whose sequence of block tokens (type
  and tag) is the source's (the tool's own front matter and dateline aside);
* ``*_lost``: headings, tables, images, list items, front-matter keys,
  shortcodes and template tags, admonition/tab/definition/attribute markers,
  link and image URLs in the source that the output lacks;
* ``fence_info_changed``, ``code_blocks_changed``, ``html_blocks_changed``;
* ``prose_translated``: the share of the source's prose (inline texts with
  letters, the admonition and tab bodies included) that the output changed;
* ``refused``: files with no output.

The floors live in ``benchmarks/fidelity_baseline.json``; the script exits 1
when a figure misses its limit.

    python benchmarks/fidelity.py [--data DIR] [--json] [--show FILE] [--tool NAME]
    python benchmarks/fidelity.py --engine apertium --to es    (the tool alone, a real engine)

Each tool's CPU seconds (the whole process, user and system, as the kernel
counts its child) are printed, and ``cpu_ratio_to_mdpo`` (this tool's over
mdpo's, in the same run) has a ceiling of 1.0 in the baseline.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from gate import data_digest, gate, precompile
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "markdown"
BASELINE = Path(__file__).with_name("fidelity_baseline.json")
TRANSLATOR = [sys.executable, "-m", "translator"]

_MD = MarkdownIt("commonmark").enable("table")
_TEMPLATE = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_CONTAINER = re.compile(r"^(\s*)(!!!|\?\?\?\+?|===\+?)[ \t]+(.*)$")
_DEFINITION = re.compile(r"^\s{0,3}:[ \t]+\S")
_DEFINITION_BODY = re.compile(r"^(\s{0,3}):[ \t]+\S")
_ATTRIBUTES = re.compile(r"\{:[^{}\n]*\}|\{[ \t]*(?:[#.][\w-]|[\w-]+=)[^{}\n]*\}")
# What a line's prose is not: template tags, code spans, link targets and labels, tags.
_NOT_PROSE = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|`[^`]*`|\]\([^)]*\)|\]\[[^\]]*\]|<[^<>]*>|https?://\S+"
    r"|\[![A-Za-z]+\]|\[\^[^\]]+\]"  # a GitHub alert's marker, a footnote reference
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")

# The pseudo-translation of one message, as the tool's pseudo engine does it,
# for the peers (run in their process, with this project importable).
_PSEUDO = """
from translator.engines.pseudo import pseudo_localize
from translator.protect import mask, unmask

def pseudo(text):
    # The peers rewrap paragraphs: a run of the pseudo engine's "~" padding
    # at the start of a line would open a code fence, an artefact of the
    # padding and not of the tool.  Their padding is "·".
    masked = mask(text, "markdown")
    padded = pseudo_localize(masked.text).replace("~", "·")
    return unmask(padded, masked)[0] if text.strip() else text
"""
_MDPO = (
    _PSEUDO
    + """
import sys, pathlib, polib
from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown
src_root, out_root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for path in sorted(src_root.rglob("*")):
    if path.suffix not in (".md", ".markdown"):
        continue
    text = path.read_text(encoding="utf-8")
    head, body = split(text)
    try:
        po = markdown_to_pofile(body)
        for entry in po:
            entry.msgstr = pseudo(entry.msgid)
        po_path = out_root / "mdpo.po"
        out_root.mkdir(parents=True, exist_ok=True)
        po.save(str(po_path))
        out = pofile_to_markdown(body, str(po_path))
    except Exception as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        continue
    dest = out_root / path.relative_to(src_root)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(head + out, encoding="utf-8")
"""
)
_SPLIT = """
import re
_FM = re.compile(r"\\A(---|\\+\\+\\+)\\n.*?\\n\\1[ \\t]*\\n", re.DOTALL)

def split(text):
    m = _FM.match(text)
    return (text[: m.end()], text[m.end():]) if m else ("", text)
"""
_PO4A = (
    _PSEUDO
    + """
import sys, pathlib, subprocess, tempfile, polib
src_root, out_root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
opts = ["-f", "text", "-o", "markdown", "-M", "UTF-8"]
with tempfile.TemporaryDirectory() as tmp:
    po_path = pathlib.Path(tmp) / "x.po"
    for path in sorted(src_root.rglob("*")):
        if path.suffix not in (".md", ".markdown"):
            continue
        dest = out_root / path.relative_to(src_root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        po_path.unlink(missing_ok=True)
        made = subprocess.run(["po4a-updatepo", *opts, "-m", str(path), "-p", str(po_path)],
                              capture_output=True)
        if made.returncode:
            print(f"{path}: {made.stderr.decode()[:200]}", file=sys.stderr)
            continue
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = pseudo(entry.msgid)
            if entry.msgid.endswith("\\n") and not entry.msgstr.endswith("\\n"):
                entry.msgstr += "\\n"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(po_path))
        done = subprocess.run(["po4a-translate", *opts, "-L", "UTF-8", "-m", str(path),
                               "-p", str(po_path), "-l", str(dest), "-k", "0"],
                              capture_output=True)
        if done.returncode:
            print(f"{path}: {done.stderr.decode()[:200]}", file=sys.stderr)
"""
)


@dataclass
class Doc:
    """What the measures read of one Markdown file."""

    blocks: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    bags: dict[str, Counter[str]] = field(default_factory=dict)
    prose: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)


_FRONT = re.compile(r"\A(---|\+\+\+)\n(.*?)\n\1[ \t]*(?:\n|\Z)", re.DOTALL)


_MMD_KEY = re.compile(r"[A-Za-z0-9_-]+:")


def _meta_header(text: str) -> tuple[dict[str, Any], str]:
    """A MultiMarkdown meta block (Python-Markdown's meta extension, MkDocs):
    key: value lines up to the first blank line; keys read in lower case."""
    head, _, rest = text.partition("\n\n")
    lines = head.split("\n")
    if not lines or not _MMD_KEY.match(lines[0]):
        return {}, text
    data: dict[str, Any] = {}
    for line in lines:
        if _MMD_KEY.match(line):
            data[line.split(":", 1)[0].lower()] = line.split(":", 1)[1].strip()
        elif not line.startswith("    "):
            return {}, text
    return data, rest


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT.match(text)
    if not match:
        return _meta_header(text)
    try:
        data = (
            tomllib.loads(match.group(2))
            if match.group(1) == "+++"
            else yaml.safe_load(match.group(2))
        )
    except (tomllib.TOMLDecodeError, yaml.YAMLError):
        data = {}
    return (data if isinstance(data, dict) else {}), text[match.end() :]


def _inline_bits(token: Any, doc: Doc) -> None:
    text: list[str] = []
    for child in token.children or []:
        if child.type == "link_open":
            doc.bags["urls"][str(child.attrs.get("href", ""))] += 1
        elif child.type == "image":
            doc.bags["urls"][str(child.attrs.get("src", ""))] += 1
            doc.counts["images"] += 1
            text.append(child.content)
        elif child.type == "text":
            text.append(child.content)
        elif child.type == "code_inline":
            doc.bags["code_spans"][child.content] += 1
    joined = " ".join(_ATTRIBUTES.sub("", _NOT_PROSE.sub("", "".join(text))).split())
    marker = _CONTAINER.match(joined)
    if marker:  # an admonition's or tab's marker line: only a quoted title is prose
        title = re.search(r'"(.*)"', marker.group(3))
        joined = title.group(1) if title else ""
    if _LETTERS.search(joined):
        doc.prose[joined] += 1


# Shortcodes whose body a site shows as code (Hugo's highlight, Docsy's tab with
# a language), and Liquid's highlight and raw: their bodies are not prose.
_CODE_OPEN = re.compile(
    r"\{\{[<%]\s*(highlight|code|code-toggle|tab)\b([^>%]*)[>%]\}\}|\{%\s*(highlight|raw)\b[^%]*%\}"
)


def _code_shortcode_lines(body: str) -> set[int]:
    lines = body.split("\n")
    inside: set[int] = set()
    for i, line in enumerate(lines):
        match = _CODE_OPEN.search(line)
        if not match or (match.group(1) == "tab" and "lang" not in (match.group(2) or "")):
            continue
        name = match.group(1) or match.group(3)
        closer = re.compile(r"\{\{[<%]\s*/\s*" + name + r"\b|\{%\s*end" + name + r"\b")
        for j in range(i, len(lines)):
            inside.add(j)
            if j > i and closer.search(lines[j]):
                break
    return inside


def _container_bodies(body: str, doc: Doc, fenced: set[int]) -> set[int]:
    """Markers of admonitions and tabs, and the prose lines of their bodies;
    the numbers of those bodies' lines (CommonMark reads them as indented code)."""
    inside: set[int] = set()
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if i in fenced:
            continue
        match = _CONTAINER.match(line)
        definition = _DEFINITION_BODY.match(line)
        if match or definition:
            if match:
                kind = "" if match.group(2).startswith("=") else match.group(3).split(" ")[0]
                doc.bags["markers"][f"{match.group(2)} {kind}"] += 1  # a tab's label is prose
            # a definition's further paragraphs are indented like an admonition's body
            indent = len((match or definition).group(1)) + 4  # type: ignore[union-attr]
            inner_fence = False
            in_html = False
            for j, inner in enumerate(lines[i + 1 :], start=i + 1):
                if inner.strip() and len(inner) - len(inner.lstrip()) < indent:
                    break
                inside.add(j)
                # raw HTML in the body is HTML (kept as written), up to a blank line
                in_html = bool(inner.strip()) and (in_html or inner.lstrip().startswith("<"))
                if in_html:
                    continue
                if inner.lstrip().startswith(("```", "~~~")):
                    inner_fence = not inner_fence
                if inner_fence or inner.lstrip().startswith(("```", "~~~")):
                    continue
                if len(inner) - len(inner.lstrip()) >= indent + 4:
                    continue  # indented code inside the body
                if _LETTERS.search(_NOT_PROSE.sub("", inner)) and not _CONTAINER.match(inner):
                    doc.bags["container_prose"][inner.strip()] += 1
        if _DEFINITION.match(line):
            doc.bags["markers"][": definition"] += 1
        for attrs in _ATTRIBUTES.findall(line):
            doc.bags["markers"][attrs] += 1
    return inside


def read_doc(text: str, *, drop_lead: bool = False) -> tuple[Doc, dict[str, Any]]:
    front, body = _front_matter(text.replace("\r\n", "\n"))
    doc = Doc(
        bags={
            k: Counter()
            for k in (
                "urls",
                "fences",
                "code",
                "html",
                "templates",
                "markers",
                "container_prose",
                "code_spans",
            )
        }
    )
    tokens = _MD.parse(body)
    fenced = {n for t in tokens if t.type == "fence" and t.map for n in range(*t.map)}
    in_containers = _container_bodies(body, doc, fenced)
    in_code_shortcodes = _code_shortcode_lines(body)
    if drop_lead and len(tokens) >= 3 and tokens[0].type == "paragraph_open":
        tokens = tokens[3:]  # the tool's dateline
    for token in tokens:
        if token.nesting != -1 and token.type != "inline":
            doc.blocks.append(f"{token.type}:{token.tag}")
        if token.type == "heading_open":
            doc.counts["headings"] += 1
        elif token.type == "table_open":
            doc.counts["tables"] += 1
        elif token.type == "list_item_open":
            doc.counts["list_items"] += 1
        elif token.type == "fence":
            doc.bags["fences"][token.info] += 1
            doc.bags["code"][token.content] += 1
        elif token.type == "code_block" and not (token.map and token.map[0] in in_containers):
            doc.bags["code"][token.content] += 1
        elif token.type == "html_block":
            doc.bags["html"][token.content] += 1
        elif token.type == "inline" and not (
            token.map and any(n in in_code_shortcodes for n in range(*token.map))
        ):
            _inline_bits(token, doc)
    for match in _TEMPLATE.finditer(body):
        doc.bags["templates"][match.group(0)] += 1
    doc.lines = Counter(line.strip() for line in body.split("\n"))
    return doc, front


def _lost(a: Counter[str], b: Counter[str]) -> int:
    return sum((a - b).values())


def compare(source: str, output: str | None, *, tool_output: bool) -> dict[str, int]:
    """The counts of one source against its output (None: refused)."""
    src, src_front = read_doc(source)
    row: dict[str, int] = {"files": 1}
    for key in ("headings", "tables", "images", "list_items"):
        row[f"{key}_src"] = src.counts[key]
    row["urls_src"] = sum(src.bags["urls"].values())
    row["code_spans_src"] = sum(src.bags["code_spans"].values())
    row["prose_src"] = sum(src.prose.values()) + sum(src.bags["container_prose"].values())
    row["container_prose_src"] = sum(src.bags["container_prose"].values())
    row["html_src"] = sum(src.bags["html"].values())
    row["code_src"] = sum(src.bags["code"].values())
    if output is None:
        row["refused"] = 1
        return row
    lead = False
    if tool_output:
        front, _ = _front_matter(output)
        lead = bool(front.get("date_display"))
    out, out_front = read_doc(output, drop_lead=lead)
    row["structure_kept"] = int(src.blocks == out.blocks)
    for key in ("headings", "tables", "images", "list_items"):
        row[f"{key}_lost"] = max(0, src.counts[key] - out.counts[key])
    row["urls_lost"] = _lost(src.bags["urls"], out.bags["urls"])
    row["code_spans_lost"] = _lost(src.bags["code_spans"], out.bags["code_spans"])
    row["fence_info_changed"] = _lost(src.bags["fences"], out.bags["fences"])
    row["code_blocks_changed"] = _lost(src.bags["code"], out.bags["code"])
    row["html_blocks_changed"] = _lost(src.bags["html"], out.bags["html"])
    row["templates_lost"] = _lost(src.bags["templates"], out.bags["templates"])
    row["markers_lost"] = _lost(src.bags["markers"], out.bags["markers"])
    row["front_matter_keys_lost"] = len(set(src_front) - set(out_front))
    untranslated = sum((src.prose & out.prose).values())
    # a body line left as written, unless the same text also stands in the
    # source outside any body (code, say), where it is rightly kept
    elsewhere = src.lines - src.bags["container_prose"]
    container_left = sum((src.bags["container_prose"] & (out.lines - elsewhere)).values())
    row["prose_untranslated"] = untranslated + container_left
    row["container_prose_left"] = container_left
    return row


def _cpu_of(command: list[str], **kwargs: Any) -> tuple[subprocess.CompletedProcess[str], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, cpu


def run_translator(src: Path, out: Path, engine: str = "pseudo", to: str = "fr") -> float:
    done, cpu = _cpu_of(
        [*TRANSLATOR, "localize", str(src), "--to", to, "--from", "en", "--engine", engine,
         "--out", str(out), "--no-cache"],
        cwd=src.parent,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        sys.exit(f"translator localize failed ({done.returncode}): {done.stderr[-2000:]}")
    return cpu


def run_peer(script: str, src: Path, out: Path) -> float:
    env_path = {"PYTHONPATH": str(ROOT)}
    import os

    done, cpu = _cpu_of(
        [sys.executable, "-c", _SPLIT + script, str(src), str(out)], env={**os.environ, **env_path}
    )
    if done.returncode:
        print(f"peer failed: {done.stderr[-1000:]}", file=sys.stderr)
    return cpu


def _variant_of(source: Path, src_root: Path, out_root: Path, tool: str, to: str = "fr") -> Path:
    rel = source.relative_to(src_root)
    if tool == "translator":
        return out_root / rel.parent / f"{source.stem}.{to.lower()}.md"
    return out_root / rel


def score(
    files: list[Path], src_root: Path, out_root: Path, tool: str, to: str = "fr"
) -> tuple[dict[str, Any], list[tuple[str, dict[str, int]]]]:
    total: Counter[str] = Counter()
    rows = []
    for source in files:
        dest = _variant_of(source, src_root, out_root, tool, to)
        output = dest.read_text(encoding="utf-8") if dest.is_file() else None
        row = compare(source.read_text(encoding="utf-8"), output, tool_output=tool == "translator")
        rows.append((str(source.relative_to(src_root)), row))
        total.update(row)
    n = total["files"]
    figures: dict[str, Any] = {
        "files": n,
        "refused": total["refused"],
        "structure_kept": round(total["structure_kept"] / n, 4),
    }
    for key in ("headings", "tables", "images", "list_items", "urls", "code_spans"):
        figures[f"{key}_lost"] = total[f"{key}_lost"]
        figures[f"{key}_lost_share"] = round(total[f"{key}_lost"] / max(1, total[f"{key}_src"]), 4)
    for key in (
        "fence_info_changed",
        "code_blocks_changed",
        "templates_lost",
        "markers_lost",
        "front_matter_keys_lost",
        "html_blocks_changed",
    ):
        figures[key] = total[key]
    figures["html_blocks_changed_share"] = round(
        total["html_blocks_changed"] / max(1, total["html_src"]), 4
    )
    figures["prose_translated"] = round(
        1 - total["prose_untranslated"] / max(1, total["prose_src"]), 4
    )
    figures["container_prose_translated"] = round(
        1 - total["container_prose_left"] / max(1, total["container_prose_src"]), 4
    )
    return figures, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", help="print the rows of files whose path holds this text")
    parser.add_argument("--tool", action="append", choices=["translator", "mdpo", "po4a"])
    parser.add_argument(
        "--engine", default="pseudo", help="the tool's engine (apertium: a real one, --to es)"
    )
    parser.add_argument("--to", default="fr", help="the target locale")
    args = parser.parse_args()
    precompile()
    corpus = args.data / "corpus" if (args.data / "corpus").is_dir() else args.data
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    tools = args.tool or (
        ["translator", "mdpo", "po4a"] if args.engine == "pseudo" else ["translator"]
    )
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src_root = Path(tmp) / "site" / "content"
        shutil.copytree(corpus, src_root)
        (Path(tmp) / "site" / ".translator").mkdir()
        files = sorted(p for p in src_root.rglob("*") if p.suffix in (".md", ".markdown"))
        for tool in tools:
            out_root = Path(tmp) / f"out-{tool}"
            if tool == "translator":
                cpu = run_translator(src_root, out_root, args.engine, args.to)
            elif tool == "mdpo":
                try:
                    import mdpo  # noqa: F401
                except ImportError:
                    print("mdpo is not installed: skipped (pip install mdpo)", file=sys.stderr)
                    continue
                cpu = run_peer(_MDPO, src_root, out_root)
            else:
                if shutil.which("po4a-gettextize") is None:
                    print("po4a is not installed: skipped (apt-get install po4a)", file=sys.stderr)
                    continue
                cpu = run_peer(_PO4A, src_root, out_root)
            figures, rows = score(files, src_root, out_root, tool, args.to)
            figures["cpu_seconds"] = round(cpu, 2)
            results[tool] = figures
            if args.show:
                for name, row in rows:
                    if args.show in name:
                        print(tool, name, {k: v for k, v in row.items() if v}, file=sys.stderr)
    flat: dict[str, Any] = {}
    for tool, figures in results.items():
        for key, value in figures.items():
            flat[key if tool == "translator" else f"{tool}_{key}"] = value
    for peer in ("mdpo", "po4a"):
        if peer in results and "translator" in results:
            flat[f"ahead_of_{peer}"] = _ahead(results["translator"], results[peer])
            ours, theirs = results["translator"]["cpu_seconds"], results[peer]["cpu_seconds"]
            flat[f"cpu_ratio_to_{peer}"] = round(ours / theirs, 2) if theirs else 0.0
    baseline = (
        BASELINE
        if args.engine == "pseudo"
        else BASELINE.with_name(f"fidelity_{args.engine}_baseline.json")
    )
    return gate(flat, baseline, as_json=args.json, data_sha256=data_digest(corpus), width=40)


def _ahead(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether ours is at least as good as theirs on every fidelity column."""
    higher = ("structure_kept", "prose_translated")
    lower = [k for k in ours if k.endswith(("_lost", "_changed", "_share")) or k == "refused"]
    return all(ours[k] >= theirs[k] for k in higher) and all(ours[k] <= theirs[k] for k in lower)


if __name__ == "__main__":
    sys.exit(main())
