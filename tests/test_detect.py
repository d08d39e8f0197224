from __future__ import annotations

import json

import pytest

from translator import chrome, langid
from translator.detect import analyze
from translator.errors import NoTextError
from translator.pipeline import load_article
from translator.readers import text as text_reader

from .conftest import SAMPLES

EXPECTED = {
    "scraped-ticker.txt": "en",
    "arabic-market.txt": "ar",
    "fr-marche.md": "fr",
    "de-fahrrad.md": "de",
    "council-budget.html": "en",
    "es-incendio.txt": "es",
}


@pytest.mark.parametrize("name, lang", sorted(EXPECTED.items()))
def test_every_sample_gets_its_language(name, lang):
    assert load_article(str(SAMPLES / name)).language == lang


def test_samples_are_all_covered():
    on_disk = {p.name for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".html"}}
    assert on_disk == set(EXPECTED)


def test_scraped_sample_chrome_lines():
    article = load_article(str(SAMPLES / "scraped-ticker.txt"))
    assert [(c.line, c.reason) for c in article.chrome] == [
        (1, chrome.AD),
        (2, chrome.LABEL),
        (3, chrome.WIDGET),
    ]
    assert article.title == "Port authority opens new ferry terminal after two years of delays"


def test_chrome_language_does_not_decide_the_article():
    # An Arabic page body under English chrome, and the reverse.
    article = load_article(str(SAMPLES / "arabic-market.txt"))
    assert article.language == "ar"
    assert {c.text for c in article.chrome} >= {"Advertisement", "Read more", "Share"}


def test_quoted_french_paragraph_keeps_its_own_language():
    source = (
        "Minister visits the flooded villages\n"
        "The minister travelled to the flooded villages on Monday and met families who lost their homes.\n"
        "« Nous ne laisserons personne seul face à cette catastrophe », a-t-elle déclaré aux habitants.\n"
        "Rebuilding the two bridges is expected to take at least eighteen months, officials said.\n"
    )
    article = analyze(text_reader.parse("q.txt", source))
    assert article.language == "en"
    assert [b.language for b in article.content_blocks] == ["en", "en", "fr", "en"]


def test_short_foreign_script_line_is_chrome_without_any_list():
    # "Mehr anzeigen" is in no list; a Cyrillic two-word line in a Latin page is chrome by script.
    source = (
        "Смотрите также\n"
        "The new tram line opened on Saturday and carried more than ten thousand people on its first day.\n"
        "City officials said the service would run every six minutes at peak hours.\n"
    )
    article = analyze(text_reader.parse("t.txt", source))
    assert [(c.line, c.reason) for c in article.chrome] == [(1, chrome.FOREIGN)]


def test_only_chrome_is_an_error():
    with pytest.raises(NoTextError, match="chrome"):
        analyze(text_reader.parse("c.txt", "Advertisement\nRead more\n6/recent/ticker-posts\n"))


def test_only_numbers_and_emoji_is_an_error():
    with pytest.raises(NoTextError, match="no letters"):
        analyze(text_reader.parse("n.txt", "12 345\n🙂🙂 2024\n"))


def test_undetermined_text_never_raises_langdetect_errors():
    assert langid.detect("!!! ??? 123") == []
    assert langid.best("") == ("und", 0.0)


def test_detection_is_deterministic():
    text = "Ce texte est court mais il faut le reconnaître à chaque fois."
    assert len({json.dumps(langid.detect(text)) for _ in range(5)}) == 1


def test_chinese_in_either_script_is_zh():
    assert langid.best("我爱上了这只鼠标，它是我现在最好的伙伴")[0] == "zh"
    assert langid.best("我愛上了這隻滑鼠，它是我現在最好的夥伴")[0] == "zh"
