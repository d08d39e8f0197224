"""Chrome-aware language detection of an article.

1. Fixed rules flag chrome lines (:func:`translator.chrome.apply_rules`).
2. Every other block is identified on its own (seeded langdetect); in
   articles of over ``ALONE_BLOCKS`` blocks, those away from the edges are
   identified in runs of neighbours (:func:`_identify`).
3. The article language is the one with the largest sum of
   letters x probability over the non-chrome blocks.
4. Short lines in another script, or short edge lines confidently in another
   language, are chrome too; the vote is taken again without them.
"""

from __future__ import annotations

from collections import defaultdict

from . import chrome, langid
from .article import UNDETERMINED, Article, Block
from .errors import NoTextError

EDGE_CONFIDENCE = 0.9
MAX_TITLE_CHARS = 200
UNCERTAIN = 0.8
SHORT_LETTERS = 30
ALONE_BLOCKS = 400
EDGE_BLOCKS = 100
GROUP_LETTERS = 2000


def _vote(candidates: list[tuple[Block, list[tuple[str, float]]]]) -> tuple[str, float]:
    scores: dict[str, float] = defaultdict(float)
    total = 0.0
    for block, found in candidates:
        weight = langid.letter_weight(block.text)
        total += weight
        for lang, prob in found:
            scores[lang] += weight * prob
    if not scores or total <= 0:
        return UNDETERMINED, 0.0
    lang = max(scores, key=lambda k: scores[k])
    return lang, round(scores[lang] / total, 4)


def _edge_indexes(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks before the first and after the last long block."""
    long_ones = [i for i, b in enumerate(blocks) if chrome.word_count(b.text) >= 5]
    if not long_ones:
        return set(range(len(blocks)))
    first, last = long_ones[0], long_ones[-1]
    return {i for i in range(len(blocks)) if i < first or i > last}


def _identify(content: list[Block]) -> dict[int, list[tuple[str, float]]]:
    """Candidate languages of each block, by ``id``.

    One langdetect call costs about the same on five words as on five
    hundred, so a long article is not identified block by block: the first
    and last ``EDGE_BLOCKS`` blocks (where chrome sits) are, and the blocks
    between them are identified in runs of neighbours in one script holding
    about ``GROUP_LETTERS`` letters, each block taking its run's languages.
    Time grows with the article's letters, not with its number of blocks.
    """
    if len(content) <= ALONE_BLOCKS:
        return {id(b): langid.detect(b.text) for b in content}
    ends = content[:EDGE_BLOCKS] + content[-EDGE_BLOCKS:]
    found = {id(b): langid.detect(b.text) for b in ends}
    run: list[Block] = []
    letters = 0
    run_script = ""

    def identify_run() -> None:
        languages = langid.detect("\n".join(b.text for b in run))
        for member in run:
            found[id(member)] = languages

    for block in content[EDGE_BLOCKS:-EDGE_BLOCKS]:
        block_script = langid.script(block.text)
        if run and block_script != run_script:
            identify_run()
            run, letters = [], 0
        run.append(block)
        run_script = block_script
        letters += langid.letter_weight(block.text)
        if letters >= GROUP_LETTERS:
            identify_run()
            run, letters = [], 0
    if run:
        identify_run()
    return found


def analyze(article: Article) -> Article:
    """Fill in chrome flags and languages of *article*'s blocks, and its language."""
    chrome.apply_rules(article.blocks)
    content = [b for b in article.blocks if not b.is_chrome and b.kind != "code"]
    if not content:
        if any(b.chrome == chrome.NO_LETTERS for b in article.blocks) and not any(
            b.chrome and b.chrome != chrome.NO_LETTERS for b in article.blocks
        ):
            raise NoTextError(article.path, "no letters to read: only numbers, symbols or emoji")
        raise NoTextError(article.path, "no article text: every line is page chrome")

    found = _identify(content)
    for block in content:
        block.language, block.confidence = (
            found[id(block)][0] if found[id(block)] else (UNDETERMINED, 0.0)
        )
        block.confidence = round(block.confidence, 4)
    lang, _ = _vote([(b, found[id(b)]) for b in content])
    if lang == UNDETERMINED:
        raise NoTextError(article.path, "language undetermined: no block has usable letters")

    main_script = langid.script(" ".join(b.text for b in content if b.language == lang))
    edges = _edge_indexes(content)
    structural_title = article.format != "text"
    for index, block in enumerate(content):
        if block.language == lang or not chrome.is_short(block.text):
            continue
        if structural_title and block.kind == "title":
            continue
        if langid.script(block.text) != main_script:
            block.chrome = chrome.FOREIGN
        elif index in edges and block.confidence >= EDGE_CONFIDENCE:
            block.chrome = chrome.FOREIGN
    content = [b for b in content if not b.is_chrome]
    if not content:
        raise NoTextError(article.path, "no article text: every line is page chrome")
    article.language, article.confidence = _vote([(b, found[id(b)]) for b in content])

    # Short or uncertain blocks lean to the article's language when langdetect
    # offers it at all: a few words are too few to overrule the page.
    for block in content:
        if block.language != article.language and (
            chrome.is_short(block.text)
            or block.confidence < UNCERTAIN
            or langid.letter_weight(block.text) < SHORT_LETTERS
        ):
            for cand, prob in found[id(block)]:
                if cand == article.language:
                    block.language, block.confidence = cand, round(prob, 4)

    if article.format == "text":
        first = content[0]
        if (
            first.kind == "paragraph"
            and first.line == first.end_line
            and len(first.text) <= MAX_TITLE_CHARS
            and len(content) > 1
        ):
            first.kind = "title"
    return article
