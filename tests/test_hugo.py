"""Variants built by the real Hugo (Debian's ``hugo``), in both of Hugo's layouts.

The site holds what Hugo sites hold: YAML and TOML front matter, a page
bundle, section ``_index.md`` pages (one with nothing but its title),
shortcodes (``ref`` and ``highlight``) and a page whose variant is renamed
(linked through ``translationKey``).  Each test localizes it with the pseudo
engine, builds it with ``hugo`` and reads the pages Hugo wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(HUGO is None, reason="hugo is not installed (.ci/run installs it)")

LOCALES = ("fr", "pt-BR", "ar")
CONFIG = """baseURL = "https://example.org/"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
{dirs}
[languages]
  [languages.en]
    weight = 1
    {en_dir}
  [languages.fr]
    weight = 2
    {fr_dir}
  [languages.pt-br]
    weight = 3
    languageCode = "pt-BR"
    {pt_dir}
  [languages.ar]
    weight = 4
    languageDirection = "rtl"
    {ar_dir}
"""
BASEOF = (
    '<!DOCTYPE html><html lang="{{ .Site.Language.Lang }}" dir="{{ .Params.dir | default "ltr" }}">'
    '<head><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n'
)
SINGLE = (
    '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
    '<ul class="translations">{{ range .Translations }}<li>{{ .Lang }}</li>{{ end }}</ul>'
    '<div class="content">{{ .Content }}</div>{{ end }}\n'
)
PAGES = {
    "_index.md": '+++\ntitle = "News from the harbour town"\n+++\n',
    "posts/_index.md": "---\ntitle: Posts about the town and its river\n---\n",
    "posts/bridge.md": (
        "---\ntitle: The old bridge reopens\ndate: 2025-09-04\ntags: [river, bridge]\n---\n\n"
        "The old bridge reopens on Thursday after two years of repairs to its stone arches.\n\n"
        'See {{< ref "posts/market/index.md" >}} for the market held on the square.\n\n'
        '{{< highlight go >}}\nfunc main() { println("the bridge is open") }\n'
        "{{< /highlight >}}\n"
    ),
    "posts/ferry.md": (
        '+++\ntitle = "The ferry stops running"\ndate = 2025-09-05\n'
        'translationKey = "ferry"\n[params]\n  author = "Sam"\n+++\n\n'
        "The ferry that carried people across the river during the repairs stops next week.\n"
    ),
    "posts/market/index.md": (
        "---\ntitle: A market on the square\ndate: 2025-09-06\n---\n\n"
        "Farmers sell fruit and cheese on the square every Saturday morning until noon.\n"
    ),
}


def _site(root: Path, layout: str) -> Path:
    if layout == "dir":
        lines = {k: f'contentDir = "content/{k}"' for k in ("en", "fr", "pt", "ar")}
        lines["pt"] = 'contentDir = "content/pt-br"'
        content = root / "content" / "en"
    else:
        lines = {k: "" for k in ("en", "fr", "pt", "ar")}
        content = root / "content"
    (root / "config.toml").write_text(
        CONFIG.format(
            dirs="",
            en_dir=lines["en"],
            fr_dir=lines["fr"],
            pt_dir=lines["pt"],
            ar_dir=lines["ar"],
        ),
        encoding="utf-8",
    )
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(SINGLE, encoding="utf-8")
    for name, text in PAGES.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def _hugo(root: Path) -> str:
    proc = subprocess.run(
        [HUGO, "--source", str(root), "--destination", str(root / "public")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert "WARN" not in out and "ERROR" not in out, out
    return out


def _page(root: Path, lang: str, path: str) -> str:
    prefix = "" if lang == "en" else f"{lang}/"
    return (root / "public" / f"{prefix}{path}index.html").read_text(encoding="utf-8")


def _translations(page: str) -> list[str]:
    found = re.search(r'<ul class="translations">(.*?)</ul>', page)
    assert found is not None
    return re.findall(r"<li>([^<]+)</li>", found.group(1))


def _check_built(root: Path) -> None:
    for path in ("posts/bridge/", "posts/ferry/", "posts/market/", "posts/", ""):
        english = _page(root, "en", path)
        assert sorted(_translations(english)) == ["ar", "fr", "pt-br"], (path, english)
        for lang in ("fr", "pt-br", "ar"):
            page = _page(root, lang, path)
            assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
            assert "en" in _translations(page)
            assert "[" in re.search(r"<h1>(.*?)</h1>", page).group(1)  # a pseudo title
    bridge = _page(root, "fr", "posts/bridge/")
    assert "<time>2025-09-04</time>" in bridge and "4 septembre 2025" in bridge
    # the ref shortcode became a link to the French market page; highlight stayed code
    assert "https://example.org/fr/posts/market/" in bridge
    assert "println(&#34;the bridge is open&#34;)" in bridge or "the bridge is open" in bridge
    assert "{{" not in bridge and "ƥřīƞŧŀƞ" not in bridge
    assert "<time>2025-09-05</time>" in _page(root, "ar", "posts/ferry/")


def test_hugo_builds_variants_beside_their_sources(run_cli, tmp_path):
    content = _site(tmp_path, "filename")
    result = run_cli("localize", content, "--to", ",".join(LOCALES), "--engine", "pseudo")
    assert result.exit_code == 0, result.stderr
    assert (content / "posts" / "bridge.pt-br.md").is_file()
    assert (content / "posts" / "market" / "index.fr.md").is_file()
    ferry = (content / "posts" / "ferry.fr.md").read_text(encoding="utf-8")
    assert ferry.startswith("+++\n") and 'translationKey = "ferry"' in ferry
    assert 'author = "Sam"' in ferry and "date = 2025-09-05\n" in ferry
    _hugo(tmp_path)
    _check_built(tmp_path)
    coverage = run_cli("coverage", content, "--locales", ",".join(LOCALES))
    assert coverage.exit_code == 0, coverage.stdout + coverage.stderr


def test_hugo_links_a_renamed_variant_through_its_translation_key(run_cli, tmp_path):
    content = _site(tmp_path, "filename")
    assert run_cli("localize", content, "--to", "fr", "--engine", "pseudo").exit_code == 0
    (content / "posts" / "ferry.fr.md").rename(content / "posts" / "le-bac.fr.md")
    for lang in ("pt-br", "ar"):
        (tmp_path / "config.toml").write_text(
            (tmp_path / "config.toml")
            .read_text(encoding="utf-8")
            .replace(f"[languages.{lang}]", f"[languages.x{lang}]"),
            encoding="utf-8",
        )
    _hugo(tmp_path)
    assert _translations(_page(tmp_path, "en", "posts/ferry/")) == ["fr"]
    assert _translations(_page(tmp_path, "fr", "posts/le-bac/")) == ["en"]


def test_hugo_builds_per_language_content_dirs(run_cli, tmp_path):
    content = _site(tmp_path, "dir")
    out = tmp_path / "content"
    args = ["localize", content, "--to", ",".join(LOCALES), "--engine", "pseudo"]
    result = run_cli(*args, "--layout", "dir", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "pt-br" / "posts" / "bridge.md").is_file()
    assert sorted(p.name for p in (out / "en" / "posts").iterdir()) == [
        "_index.md",
        "bridge.md",
        "ferry.md",
        "market",
    ]
    _hugo(tmp_path)
    _check_built(tmp_path)
    coverage = run_cli(
        "coverage", content, "--variants", out, "--layout", "dir", "--locales", ",".join(LOCALES)
    )
    assert coverage.exit_code == 0, coverage.stdout + coverage.stderr


def test_dir_layout_never_writes_into_the_source_language_dir(run_cli, tmp_path):
    content = _site(tmp_path, "dir")
    result = run_cli(
        "localize", content, "--to", "en", "--engine", "pseudo", "--layout", "dir",
        "--out", tmp_path / "content",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "input directory" in result.stderr
