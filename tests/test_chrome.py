from __future__ import annotations

import pytest

from translator import chrome


@pytest.mark.parametrize(
    "line, reason",
    [
        ("اعلان", chrome.AD),
        ("إعلان", chrome.AD),
        ("Advertisement", chrome.AD),
        ("Publicité", chrome.AD),
        ("Anzeige", chrome.AD),
        ("Реклама", chrome.AD),
        ("Publicidad", chrome.AD),
        ("广告", chrome.AD),
        ("6/recent/ticker-posts", chrome.WIDGET),
        ("3/recent/post-list", chrome.WIDGET),
        ('[gallery ids="1,2,3"]', chrome.WIDGET),
        ("{{< tweet 12345 >}}", chrome.WIDGET),
        ("Read more »", chrome.LABEL),
        ("Share this:", chrome.LABEL),
        ("Lire la suite", chrome.LABEL),
        ("Facebook Twitter WhatsApp Telegram", chrome.LABEL),
        ("Home | News | Sport", chrome.LABEL),
        ("12/03/2024", chrome.NO_LETTERS),
        ("🙂 🙂", chrome.NO_LETTERS),
        ("----", chrome.NO_LETTERS),
    ],
)
def test_rule_reasons(line, reason):
    assert chrome.rule_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Port authority opens new ferry terminal",
        "Courses by Name | Courses by Area | Course Descriptions (by Number)",
        "Share prices fell sharply on Monday after the announcement.",
        "More than 150 people worked through the night.",
    ],
)
def test_article_lines_are_not_chrome(line):
    assert chrome.rule_reason(line) is None


def test_label_lists_are_data_files():
    r = chrome.rules()
    assert {"ad", "share", "social", "read-more", "nav"} <= set(r.categories)
    assert "اعلان" in r.labels
