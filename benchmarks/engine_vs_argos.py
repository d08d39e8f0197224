"""Our Argos engine against ``argostranslate.translate``, same model, same sentences.

Builds an Argos-architecture package from numpy weights (6+6 layers,
d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8; near-identity decoder
whose end-of-sentence logit grows with position, so outputs stop at sentence
length) in a temporary directory, never committed.  Then translates the same
paragraphs two ways:

(a) ``argostranslate.translate.translate`` per paragraph, its MiniSBD sentence
    splitter replaced by ours so that it runs offline;
(b) ``translator``'s engine, every sentence in one call.

It checks that every sentence got identical output tokens both ways, prints
the speed ratio, greedy / beam-2 / beam-4 throughput and the effect of
``inter_threads``/``intra_threads``.  The floors are in
``benchmarks/engine_vs_argos_baseline.json``; the script exits 1 below them.

    python benchmarks/engine_vs_argos.py [--paragraphs 30] [--json]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = Path(__file__).with_name("engine_vs_argos_baseline.json")
EVAL_SENTENCES = (
    ROOT.parent
    / "shared"
    / "eval"
    / "langdetect"
    / "data"
    / "lingua-testdata"
    / "sentences"
    / "en.txt"
)

# Argos reads its settings on import: point it at a private directory first.
WORK = Path(tempfile.mkdtemp(prefix="engine-bench-"))
os.environ["ARGOS_PACKAGES_DIR"] = str(WORK / "packages")
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(WORK / var.lower())
os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")

import ctranslate2  # noqa: E402
from gate import gate  # noqa: E402

from tests.fixtures.argos_fixture import build_package  # noqa: E402
from translator import packages  # noqa: E402
from translator.engines import DecodeOptions  # noqa: E402
from translator.engines.argos import ArgosEngine  # noqa: E402
from translator.segment import split_sentences  # noqa: E402


def corpus(paragraphs: int, per_paragraph: int = 4) -> tuple[list[str], list[str]]:
    """Paragraphs of English sentences, and the text to train SentencePiece on."""
    if EVAL_SENTENCES.is_file():
        lines = EVAL_SENTENCES.read_text(encoding="utf-8").split("\n")
    else:  # fall back on the samples
        lines = []
        for path in sorted((ROOT / "samples").glob("*")):
            lines.extend(split_sentences(path.read_text(encoding="utf-8").replace("\n", " ")))
    clean = [ln.strip() for ln in lines if 40 <= len(ln.strip()) <= 300 and "_" not in ln]
    # keep sentences that our splitter sees as one sentence, so both paths agree
    clean = [ln for ln in clean if len(split_sentences(ln)) == 1]
    wanted = paragraphs * per_paragraph
    step = max(1, len(clean) // wanted)
    chosen = clean[::step][:wanted]
    while len(chosen) < wanted:  # little text (the samples): cycle through it
        chosen.append(clean[(len(chosen) * 7) % len(clean)])
    paras = [" ".join(chosen[i : i + per_paragraph]) for i in range(0, len(chosen), per_paragraph)]
    return paras, clean


class Recorder:
    """Wraps a CTranslate2 translator and records each sentence's output tokens
    into ``Recorder.log`` (source tokens -> output tokens)."""

    log: dict[tuple[str, ...], list[str]] = {}

    def __init__(self, *args, **kwargs):
        self.real = _REAL(*args, **kwargs)

    def translate_batch(self, source, **kwargs):
        results = self.real.translate_batch(source, **kwargs)
        if kwargs.get("asynchronous"):  # pending results: wait for them here
            results = [r.result() for r in results]
        for src, result in zip(source, results, strict=True):
            Recorder.log[tuple(src)] = list(result.hypotheses[0])
        return [_Done(r) for r in results] if kwargs.get("asynchronous") else results


class _Done:
    """A finished result where an asynchronous one is expected."""

    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


_REAL = ctranslate2.Translator


def run_argos(paragraphs: list[str]) -> tuple[float, dict]:
    import argostranslate.translate as argos_translate
    from argostranslate.sbd import ISentenceBoundaryDetectionModel

    class OurSplitter(ISentenceBoundaryDetectionModel):
        def __init__(self, pkg):
            self.pkg = pkg

        def split_sentences(self, text: str, lang_code=None) -> list[str]:
            return split_sentences(text, "en")

    argos_translate.MiniSBDSentencizer = OurSplitter
    argos_translate.translate("Warm up the model once.", "en", "fr")
    Recorder.log = {}
    started = time.perf_counter()
    for paragraph in paragraphs:
        argos_translate.translate(paragraph, "en", "fr")
    elapsed = time.perf_counter() - started
    return elapsed, Recorder.log


def run_ours(sentences: list[str], options: DecodeOptions) -> tuple[float, dict]:
    engine = ArgosEngine(options)
    Recorder.log = {}
    engine.translate(["Warm up the model once."], "en", "fr")
    Recorder.log = {}
    started = time.perf_counter()
    engine.translate(sentences, "en", "fr")
    elapsed = time.perf_counter() - started
    return elapsed, Recorder.log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    paragraphs, training = corpus(args.paragraphs)
    sentences = [s for p in paragraphs for s in split_sentences(p, "en")]
    started = time.perf_counter()
    archive = build_package(
        WORK / "bench.argosmodel",
        "en",
        "fr",
        corpus=training,
        vocab_size=8000,
        pad_vocab_to=32000,
        quantization="int8",
        layers=6,
        d_model=512,
        heads=8,
        ffn=2048,
        target_length=24,
        confident=True,
    )
    packages.install_archive(archive)
    build_seconds = time.perf_counter() - started
    ctranslate2.Translator = Recorder  # record output tokens on both paths

    argos_seconds, argos_out = run_argos(paragraphs)
    ours_seconds, ours_out = run_ours(sentences, DecodeOptions(beam=4))
    tokens_out = sum(len(v) for v in ours_out.values())
    identical = len(ours_out) == len(set(ours_out) | set(argos_out)) > 0 and argos_out == ours_out
    mismatched = sum(
        1 for k in set(ours_out) | set(argos_out) if argos_out.get(k) != ours_out.get(k)
    )
    if os.environ.get("BENCH_DEBUG"):
        for k in set(ours_out) | set(argos_out):
            if argos_out.get(k) != ours_out.get(k):
                print(
                    "SRC",
                    len(k),
                    "ARGOS",
                    argos_out.get(k),
                    "OURS",
                    ours_out.get(k),
                    file=sys.stderr,
                )

    figures: dict = {
        "paragraphs": len(paragraphs),
        "sentences": len(sentences),
        "package_build_seconds": round(build_seconds, 2),
        "argos_per_paragraph_seconds": round(argos_seconds, 2),
        "engine_one_call_seconds": round(ours_seconds, 2),
        "speedup": round(argos_seconds / ours_seconds, 2),
        "identical_output_tokens": bool(identical),
        "mismatched_sentences": mismatched,
        "mean_output_tokens": round(tokens_out / max(len(ours_out), 1), 1),
        "mean_input_tokens": round(sum(len(k) for k in ours_out) / max(len(ours_out), 1), 1),
    }
    for beam in (1, 2):
        seconds, _ = run_ours(sentences, DecodeOptions(beam=beam))
        figures[f"beam{beam}_sentences_per_second"] = round(len(sentences) / seconds, 1)
    figures["beam4_sentences_per_second"] = round(len(sentences) / ours_seconds, 1)
    for inter, intra in ((1, 1), (1, 2), (2, 1)):
        seconds, _ = run_ours(
            sentences, DecodeOptions(beam=4, inter_threads=inter, intra_threads=intra)
        )
        figures[f"beam4_inter{inter}_intra{intra}_seconds"] = round(seconds, 2)

    return gate(figures, BASELINE, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
