"""The Argos engine through the real path: packages installed with
argostranslate.package, CTranslate2 and sentencepiece.  The fixture models
translate into nonsense, so these tests assert on structure only."""

from __future__ import annotations

import pytest

from translator import packages
from translator.engines import DecodeOptions
from translator.engines.argos import ArgosEngine, _Tokenizer, scan
from translator.errors import UsageError


def test_installed_fixtures_are_listed(installed):
    good, broken = scan()
    assert {(p.from_code, p.to_code) for p in good} == {("en", "fr"), ("de", "en")}
    assert broken == []


def test_one_output_per_segment_and_empty_ones_skip_the_model(installed):
    engine = ArgosEngine()
    out = engine.translate(["The port opened on Thursday.", "", "Officials said so."], "en", "fr")
    assert len(out) == 3
    assert out[1] == ""
    assert out[0].strip() and out[2].strip()
    assert engine.calls == 2


def test_translation_is_deterministic(installed):
    segments = ["The port opened on Thursday.", "Officials said so."]
    assert ArgosEngine().translate(segments, "en", "fr") == ArgosEngine().translate(
        segments, "en", "fr"
    )


def test_pivot_through_english(installed):
    engine = ArgosEngine()
    assert [p.to_code for p in engine.route("de", "fr")] == ["en", "fr"]
    assert engine.identity("de", "fr") == "translate-de_en@1.0+translate-en_fr@1.0"
    out = engine.translate(["Die Stadt baut eine Brücke.", "Sie kostet viel."], "de", "fr")
    assert len(out) == 2 and all(out)
    assert engine.calls == 4  # two segments through each hop


def test_missing_pair_lists_installed_pairs_and_the_pivot(installed):
    with pytest.raises(UsageError) as err:
        ArgosEngine().check_pair("fr", "de")
    message = str(err.value)
    assert "fr→de" in message
    assert "fr→en + en→de through English" in message
    assert "de→en" in message and "en→fr" in message


def test_target_prefix_is_honoured_and_stripped(packages_dir, fixture_packages):
    packages.install_archive(fixture_packages["en_es"])
    [info] = scan()[0]
    assert info.target_prefix == "__es__"
    out = ArgosEngine().translate(["The port opened on Thursday."], "en", "es")
    assert out[0] and "__es__" not in out[0]


def test_overlong_sentence_is_split_not_truncated(installed):
    engine = ArgosEngine(DecodeOptions(max_input_tokens=40))
    long_sentence = " ".join(["the terminal opened"] * 60)  # ~180 tokens, no punctuation
    [out] = engine.translate([long_sentence], "en", "fr")
    assert out
    assert engine.calls >= 4  # every piece went through the model
    assert any("split into" in note for note in engine.notes)


def test_sentencepiece_decoding_keeps_underscores(installed):
    [info] = [p for p in scan()[0] if p.to_code == "fr"]
    tokenizer = _Tokenizer(info)
    text = "see summer_timetable.txt"
    assert "_" in "".join(tokenizer.encode(text))
    assert tokenizer.decode(tokenizer.encode(text)) == text


class _ReversingTranslator:
    """Stands in for CTranslate2 to check the engine's batching bookkeeping:
    it 'translates' by reversing the tokens and records the batch it got."""

    def __init__(self):
        self.batches = []

    def translate_batch(self, batch, **kwargs):
        self.batches.append((list(map(len, batch)), kwargs))

        class Result:
            def __init__(self, tokens):
                self.hypotheses = [tokens]

            def result(self):  # asynchronous=True: a pending result
                return self

        prefix = kwargs.get("target_prefix")
        return [
            Result((p if prefix else []) + list(reversed(t)))
            for t, p in zip(batch, prefix or [[]] * len(batch), strict=True)
        ]


def test_batching_queues_model_batches_and_maps_results_back(installed, monkeypatch):
    from translator.engines import argos

    engine = ArgosEngine(DecodeOptions(max_input_tokens=6, token_budget=99))
    [info] = [p for p in scan()[0] if p.to_code == "fr"]
    _real, tokenizer = argos.load(info, engine.options)
    stub = _ReversingTranslator()
    monkeypatch.setitem(
        argos._MODELS, next(k for k in argos._MODELS if k[0] == str(info.path)), (stub, tokenizer)
    )
    segments = ["a b c d e f g h i j k", "", "x y", "m n o p"]
    out = engine.translate(segments, "en", "fr")
    # one CTranslate2 call per model batch (here one), queued, with the token budget
    [(lengths, kwargs)] = stub.batches
    pieces = [argos.split_tokens(tokenizer.encode(s), 6, tokenizer) for s in segments if s]
    assert len(lengths) == sum(map(len, pieces))  # every piece of every segment, "" none
    assert kwargs["asynchronous"] is True
    assert kwargs["max_batch_size"] == 99 and kwargs["batch_type"] == "tokens"
    assert kwargs["beam_size"] == 4 and kwargs["replace_unknowns"] is True
    assert out[1] == ""
    for original, translated in zip(segments, out, strict=True):
        if original:
            expected_pieces = [
                tokenizer.decode(list(reversed(chunk)))
                for chunk in argos.split_tokens(tokenizer.encode(original), 6, tokenizer)
            ]
            assert translated == " ".join(p.strip() for p in expected_pieces)


def test_the_same_segments_give_the_same_output_whatever_the_tasks(installed):
    """Tasks are whole model batches, and the engine translates in model
    batches: cutting the work for 1, 2 or 4 workers changes no output."""
    from translator.engines import model_batches
    from translator.executors import split_batches

    segments = [
        f"The ferry number {n} left the harbour {'early ' * (n % 5)}on time." for n in range(300)
    ]
    groups = {frozenset(segments[i] for i in g) for g in model_batches(segments)}
    engine = ArgosEngine(DecodeOptions(beam=1))
    whole = dict(zip(segments, engine.translate(segments, "en", "fr"), strict=True))
    for size in (32, 55, 100):
        tasks = split_batches(segments, size)
        assert sorted(s for t in tasks for s in t) == sorted(segments)
        for task in tasks:
            assert {frozenset(task[i] for i in g) for g in model_batches(task)} <= groups
            assert engine.translate(task, "en", "fr") == [whole[s] for s in task]
