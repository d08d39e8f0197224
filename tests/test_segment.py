from __future__ import annotations

import pytest

from translator.segment import split_sentences


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Mr. Smith arrived. He sat down.", "en", ["Mr. Smith arrived.", "He sat down."]),
        (
            "Prices rose 2.5% in the U.S. economy. Then fell.",
            "en",
            ["Prices rose 2.5% in the U.S. economy.", "Then fell."],
        ),
        (
            "E.g. this one. J. R. Tolkien wrote it.",
            "en",
            ["E.g. this one.", "J. R. Tolkien wrote it."],
        ),
        (
            '"Is it over?" she asked. "Yes." He left.',
            "en",
            ['"Is it over?" she asked.', '"Yes."', "He left."],
        ),
        (
            "He left (see p. 4. It is fine.) and came back. Next.",
            "en",
            ["He left (see p. 4. It is fine.) and came back.", "Next."],
        ),
        (
            "Am 4. September kam er an. Dann ging er.",
            "de",
            ["Am 4. September kam er an.", "Dann ging er."],
        ),
        ("Il est arrivé… Puis il est reparti !", "fr", ["Il est arrivé…", "Puis il est reparti !"]),
        ("هل انتهى؟ نعم انتهى.", "ar", ["هل انتهى؟", "نعم انتهى."]),
        ("یہ سچ ہے۔ وہ آیا۔", "ur", ["یہ سچ ہے۔", "وہ آیا۔"]),
        ("他来了。她走了！你呢？", "zh", ["他来了。", "她走了！", "你呢？"]),
        ("यह सच है। वह आया।", "hi", ["यह सच है।", "वह आया।"]),
        ("Version 0.85.1 is out. Update now.", "en", ["Version 0.85.1 is out.", "Update now."]),
        ("no terminator at all", "en", ["no terminator at all"]),
        ("", "en", []),
    ],
)
def test_sentence_splitting(text, lang, expected):
    assert split_sentences(text, lang) == expected


def test_splitting_never_loses_text():
    text = "One. Two! Three? Four… Five. " * 20
    joined = " ".join(split_sentences(text))
    assert joined.split() == text.split()
