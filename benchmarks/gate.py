"""The benchmarks' limits: figures against the baseline file beside each benchmark.

A baseline file holds the command that produces its figures and the limits:

* ``floors``: a number the figure must reach (a ``true``/``false`` floor must
  be matched exactly);
* ``ceilings``: a number the figure must not exceed;
* ``equal``: a value the figure must have;
* ``data_sha256``: for benchmarks scored on evaluation data, the digest of that
  data (:func:`data_digest`).  Limits are never compared with figures measured
  on other data: a different digest fails the run and says so.

A limit whose figure was not measured in this run (a smaller size asked for)
is reported as not checked.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any


def precompile() -> None:
    """Compile the package's bytecode, as pip does when it installs the wheel,
    before a benchmark times the command line: its figures are those of an
    installed tool, also where ``PYTHONDONTWRITEBYTECODE`` keeps Python from
    writing the bytecode itself (the peers' installed packages have theirs).
    It goes where Python puts it (``__pycache__``, which git ignores)."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "translator", quiet=1)


def data_digest(folder: Path, pattern: str = "**/*") -> str:
    """SHA-256 over the relative names and bytes of the files under *folder*, sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _limit_text(key: str, baseline: dict[str, Any]) -> str:
    for kind, word in (("floors", "floor"), ("ceilings", "ceiling"), ("equal", "must be")):
        if key in baseline.get(kind, {}):
            return f"   {word} {baseline[kind][key]}"
    return ""


def missed(figures: dict[str, Any], baseline: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(the limits missed, as lines; the limits not checked because not measured)."""
    failed: list[str] = []
    unchecked: list[str] = []
    for kind, limits in (
        ("floors", baseline.get("floors", {})),
        ("ceilings", baseline.get("ceilings", {})),
        ("equal", baseline.get("equal", {})),
    ):
        for key, limit in limits.items():
            if key not in figures:
                unchecked.append(key)
                continue
            value = figures[key]
            if kind == "equal" or isinstance(limit, bool):
                ok = value == limit
                rule = f"must be {limit}"
            elif kind == "floors":
                ok = float(value) >= limit
                rule = f"below the floor {limit}"
            else:
                ok = float(value) <= limit
                rule = f"above the ceiling {limit}"
            if not ok:
                failed.append(f"{key} = {value}: {rule}")
    return failed, unchecked


def gate(
    figures: dict[str, Any],
    baseline_path: Path,
    *,
    as_json: bool = False,
    data_sha256: str | None = None,
    extra: dict[str, Any] | None = None,
    width: int = 36,
) -> int:
    """Print *figures* with their limits (or as JSON) and return the exit code:
    0 when every measured limit holds, 1 otherwise."""
    baseline = json.loads(baseline_path.read_text(encoding="utf-8"))
    failed, unchecked = missed(figures, baseline)
    recorded = baseline.get("data_sha256")
    if data_sha256 is not None and recorded is not None and recorded != data_sha256:
        failed.insert(
            0,
            f"the evaluation data differ from the data the limits were set on "
            f"(sha256 {data_sha256[:16]}…, baseline {recorded[:16]}…): "
            f"set new limits in {baseline_path.name} after measuring",
        )
    if as_json:
        out = {"figures": figures, **(extra or {}), "limits": baseline}
        if data_sha256 is not None:
            out["data_sha256"] = data_sha256
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for key, value in figures.items():
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"{key:{width}s} {shown:>10s}" + _limit_text(key, baseline))
        if data_sha256 is not None:
            print(f"{'data_sha256':{width}s} {data_sha256[:16]}…")
    for key in unchecked:
        print(f"not checked (not measured in this run): {key}", file=sys.stderr)
    for line in failed:
        print(f"LIMIT MISSED: {line}", file=sys.stderr)
    return 1 if failed else 0
