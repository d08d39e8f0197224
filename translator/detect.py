"""Chrome-aware language detection of an article.

1. Fixed rules flag chrome lines (:func:`translator.chrome.apply_rules`).
2. The other blocks are identified with seeded langdetect: long blocks on
   their own (in runs of neighbours in an article of over ``ALONE_BLOCKS``
   blocks, as a real web page is), short lines on their own where the rules
   below look at their language (:func:`_identify`).
3. The article language is the one with the largest sum of
   letters x probability over the non-chrome blocks.
4. Short lines in another script, or short edge lines confidently in another
   language, are chrome too; the vote is taken again without them.
"""

from __future__ import annotations

from collections import defaultdict

from . import chrome, langid
from .article import UNDETERMINED, Article, Block
from .dates import is_date_line
from .errors import NoTextError
from .langid import QUICK_TRIALS, SHORT_TRIALS

EDGE_CONFIDENCE = 0.9
MAX_TITLE_CHARS = 200
UNCERTAIN = 0.8
SHORT_LETTERS = 30
ALONE_BLOCKS = 8
EDGE_BLOCKS = 2
GROUP_LETTERS = 5000
AGREEING_SHARE = 0.5  # a short line with this share of --from's common words is in that language


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


def _identify(
    content: list[Block], *, extracted: bool = False
) -> dict[int, list[tuple[str, float]]]:
    """Candidate languages of each block, by ``id``.

    One langdetect call costs about the same on five words as on five
    hundred, and a short line costs the most (its trials converge slowly),
    so a page of dozens of blocks is not identified block by block:

    * long blocks (over four words) are read in one langdetect trial, enough
      for a sentence or more; in an article of over ``ALONE_BLOCKS`` blocks,
      the first and last ``EDGE_BLOCKS`` of them alone, those between in runs
      of neighbours in one script of about ``GROUP_LETTERS`` letters, each
      taking its run's languages;
    * short lines are read alone, in ``SHORT_TRIALS`` trials (their
      probability is compared with thresholds), where the rules look at their language: at
      the edges of the article (before its first long block or after its
      last) and in another script than the long blocks'.  A short line
      between long blocks of its own script takes the languages of the long
      block before it: a few words never overrule the page.

    In a page's main text found by the extractor (*extracted*), where the
    edge rules are off, every long block is read in runs and a short line
    only when it is in another script.

    Time grows with the article's letters, not with its number of blocks.
    The price: in a long article, a foreign paragraph in the middle is
    reported in its run's language.
    """
    short = [chrome.is_short(b.text) for b in content]
    long_ones = [b for b, is_short in zip(content, short, strict=True) if not is_short]
    found: dict[int, list[tuple[str, float]]] = {}
    if extracted:
        _identify_runs(long_ones, found)
    elif len(content) <= ALONE_BLOCKS or len(long_ones) <= 2 * EDGE_BLOCKS:
        for block in long_ones:
            found[id(block)] = langid.detect(block.text, QUICK_TRIALS)
    else:
        for block in long_ones[:EDGE_BLOCKS] + long_ones[-EDGE_BLOCKS:]:
            found[id(block)] = langid.detect(block.text, QUICK_TRIALS)
        _identify_runs(long_ones[EDGE_BLOCKS:-EDGE_BLOCKS], found)

    edges = set() if extracted else _edge_indexes(content)
    main_script = langid.script(" ".join(b.text for b in long_ones)) if long_ones else ""
    before = found[id(long_ones[0])] if extracted and long_ones else None
    for index, block in enumerate(content):
        if not short[index]:
            before = found[id(block)]
        elif before is None or index in edges or langid.script(block.text) != main_script:
            found[id(block)] = langid.detect(block.text, SHORT_TRIALS)
        else:
            found[id(block)] = before
    return found


def _identify_runs(blocks: list[Block], found: dict[int, list[tuple[str, float]]]) -> None:
    """Identify *blocks* in runs of one script of about ``GROUP_LETTERS`` letters."""
    run: list[Block] = []
    letters = 0
    run_script = ""

    def identify_run() -> None:
        languages = langid.detect("\n".join(b.text for b in run), QUICK_TRIALS)
        for member in run:
            found[id(member)] = languages

    for block in blocks:
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


def _title_only(article: Article) -> bool:
    """A page whose only text is its front-matter title (a Hugo section's
    ``_index.md``): its language is the title's, when langdetect can tell."""
    title = article.front_matter.get("title")
    if article.format != "markdown" or not isinstance(title, str) or not title.strip():
        return False
    if any(not b.is_chrome for b in article.blocks):
        return False  # code only: not a title-only page
    found = langid.detect(title, langid.FULL_TRIALS)
    if not found:
        return False
    article.language, article.confidence = found[0][0], round(found[0][1], 4)
    return True


def analyze(article: Article, language: str | None = None) -> Article:
    """Fill in chrome flags and languages of *article*'s blocks, and its language.

    *language* (``--from``) is the article's language where it says so: a
    site's own Markdown page then needs no detection at all, and one with too
    little text to tell (a page of code, a title) is still read.
    """
    if article.format == "markdown" and language:
        return _given(article, language)
    content = _content_blocks(article)
    if not content:
        if _title_only(article):
            return article
        _refuse_without_text(article)
    if language:
        return _given_page(article, content, language)
    found = _identify(content, extracted=article.extracted)
    for block in content:
        block.language, block.confidence = (
            found[id(block)][0] if found[id(block)] else (UNDETERMINED, 0.0)
        )
        block.confidence = round(block.confidence, 4)
    lang, _ = _vote([(b, found[id(b)]) for b in content])
    if lang == UNDETERMINED:
        hint = "; give the article's language with --from" if article.format == "markdown" else ""
        raise NoTextError(article.path, f"language undetermined: no block has usable letters{hint}")
    _mark_foreign_lines(article, content, lang)
    content = [b for b in content if not b.is_chrome]
    if not content:
        raise NoTextError(article.path, "no article text: every line is page chrome")
    article.language, article.confidence = _vote([(b, found[id(b)]) for b in content])
    _lean_to_the_article(article, content, found)
    if article.format == "text":
        content = _meta_lines(article, content)
    _first_line_title(article, content)
    return article


def _given(article: Article, language: str) -> Article:
    """A site's own Markdown page in the language ``--from`` gives: nothing to detect."""
    article.language, article.confidence = language, 1.0
    for block in article.blocks:
        if block.kind != "code":
            block.language, block.confidence = language, 1.0
    return article


def _given_page(article: Article, content: list[Block], language: str) -> Article:
    """A page or text in the language ``--from`` gives: no article vote, and
    langdetect only for the lines the foreign-line rule could still drop.

    Every block takes the given language, save a short line (at most four
    words) that disagrees with it: in another script than the article's long
    blocks, it is chrome as in :func:`_mark_foreign_lines`; in the same script
    at the article's edges with fewer than half of its words among the
    language's common words (:func:`translator.langid.common_words`),
    langdetect reads it, and a confident other language makes it chrome too.
    """
    article.language, article.confidence = language, 1.0
    for block in content:
        block.language, block.confidence = language, 1.0
    if not article.extracted:
        _foreign_against(article, content, language)
        content = [b for b in content if not b.is_chrome]
        if not content:
            raise NoTextError(article.path, "no article text: every line is page chrome")
    if article.format == "text":
        content = _meta_lines(article, content)
    _first_line_title(article, content)
    return article


def _foreign_against(article: Article, content: list[Block], language: str) -> None:
    """Mark the short lines that disagree with the given *language* (see :func:`_given_page`)."""
    long_text = " ".join(b.text for b in content if not chrome.is_short(b.text))
    main_script = langid.script(long_text or " ".join(b.text for b in content))
    edges = _edge_indexes(content)
    common = langid.common_words(language)
    for index, block in enumerate(content):
        if not chrome.is_short(block.text) or article.format != "text" and block.kind == "title":
            continue
        if langid.script(block.text) != main_script:
            block.chrome = chrome.FOREIGN  # which language it is in, no one asks
            block.language, block.confidence = UNDETERMINED, 0.0
        elif index in edges and langid.common_share(block.text, common) < AGREEING_SHARE:
            found = langid.detect(block.text, SHORT_TRIALS)
            if found and found[0][0] != language and found[0][1] >= EDGE_CONFIDENCE:
                block.chrome = chrome.FOREIGN
                block.language, block.confidence = found[0][0], round(found[0][1], 4)


def _meta_lines(article: Article, content: list[Block]) -> list[Block]:
    """A text's leading date and byline lines and its share lines are chrome;
    the byline names the author.  The blocks left."""
    author = chrome.mark_meta_lines(article.blocks, article.language, is_date_line)
    if author:
        article.meta.setdefault("author", author)
    return [b for b in content if not b.is_chrome]


def _content_blocks(article: Article) -> list[Block]:
    """Apply the chrome rules; the blocks left to read (code aside).

    The rules are for scraped pages and text: a site's own Markdown has no
    chrome, and none of its list items, headings or short lines is dropped.
    """
    if article.format != "markdown":
        chrome.apply_rules(article.blocks)
    return [b for b in article.blocks if not b.is_chrome and b.kind != "code"]


def _refuse_without_text(article: Article) -> None:
    if article.format == "markdown":
        raise NoTextError(
            article.path,
            "language undetermined: no prose to read it from; give the article's "
            "language with --from",
        )
    only_symbols = any(b.chrome == chrome.NO_LETTERS for b in article.blocks) and not any(
        b.chrome and b.chrome != chrome.NO_LETTERS for b in article.blocks
    )
    if only_symbols:
        raise NoTextError(article.path, "no letters to read: only numbers, symbols or emoji")
    raise NoTextError(article.path, "no article text: every line is page chrome")


def _mark_foreign_lines(article: Article, content: list[Block], lang: str) -> None:
    """Short lines in another script, or confidently in another language at the
    article's edges, are chrome (not on a page's extracted main text)."""
    if article.extracted or article.format == "markdown":
        return
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


def _lean_to_the_article(
    article: Article, content: list[Block], found: dict[int, list[tuple[str, float]]]
) -> None:
    """Short or uncertain blocks lean to the article's language when langdetect
    offers it at all: a few words are too few to overrule the page."""
    for block in content:
        if block.language == article.language:
            continue
        weak = (
            chrome.is_short(block.text)
            or block.confidence < UNCERTAIN
            or langid.letter_weight(block.text) < SHORT_LETTERS
        )
        if not weak:
            continue
        for cand, prob in found[id(block)]:
            if cand == article.language:
                block.language, block.confidence = cand, round(prob, 4)


def _first_line_title(article: Article, content: list[Block]) -> None:
    """A plain-text article's short first line is its title."""
    if article.format != "text" or len(content) < 2:
        return
    first = content[0]
    if (
        first.kind == "paragraph"
        and first.line == first.end_line
        and len(first.text) <= MAX_TITLE_CHARS
    ):
        first.kind = "title"
