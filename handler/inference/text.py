"""The one text pipeline: training (`convert/`) and serving (`handler/`) both import it.

Normalisation, tokens, sentence spans and n-grams, deterministic across processes. A review
becomes two fixed-length int32 arrays (`handler.inference.encoder`): rows of every token of each
sentence for the sentence CNN (`handler.inference.sentences`), and the ids of its distinct
uni/bi/trigrams for the n-gram branch, which keeps the stopwords ("waste of", "at all" and "not
the best" carry sentiment that their words alone do not). The one sentence splitter,
`sentence_spans`, cuts both the model's sentences and the API's per-sentence answers.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Negations and intensifiers are deliberately absent: "not good" and "very bad" must survive.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both by can could did do does doing down during each few for from further
    had has have having he he'd he'll he's her here here's hers herself him himself his how how's
    i i'd i'll i'm i've if in into is it it's its itself let's me my myself of off on once only or
    other ought our ours ourselves out over own same she she'd she'll she's should some such than
    that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to under until up was we we'd we'll we're we've were what
    what's when when's where where's which while who who's whom why why's with would you you'd
    you'll you're you've your yours yourself yourselves br s t just also film movie
    """.split()
)

LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Letters/digits with inner apostrophes, so "didn't" stays one (negating) token; and the
# punctuation that ends a clause (or writes a rating, "7/10"), which scopes negations.
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.,;:!?()/]")
PUNCTUATION: frozenset[str] = frozenset(".,;:!?()/")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """Strip HTML line breaks and lone surrogates, NFKC-normalise, lowercase, unify apostrophes."""
    text = fold(LONE_SURROGATE.sub(" ", text))
    # Breaks go after NFKC (which turns a fullwidth "\uff1cbr\uff1e" into one), and until none is
    # left (removing the inner break of "<br<br>>" makes one): normalising twice changes nothing.
    found = 1
    while found:
        text, found = LINE_BREAK.subn(" ", text)
    return text


def fold(text: str) -> str:
    """NFKC-normalise, lowercase and unify apostrophes: `normalise` short of its line breaks."""
    # NFKC again after lower(): lowering can produce sequences that NFKC composes differently.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    return text.translate(APOSTROPHES)


def words(text: str) -> list[str]:
    """Normalise and split into tokens: words, stopwords included, and clause punctuation."""
    return TOKEN.findall(normalise(text))


def plain(tokens: Iterable[str]) -> list[str]:
    """`tokens` without punctuation: the words alone."""
    return [t for t in tokens if t not in PUNCTUATION]


def content(tokens: Iterable[str]) -> list[str]:
    """The words of `tokens` without stopwords (negations and intensifiers are not stopwords)."""
    return [t for t in tokens if t not in STOPWORDS and t not in PUNCTUATION]


def tokenize(text: str) -> list[str]:
    """The content words of `text`: what a words input reads, and what `words_used` counts."""
    return content(words(text))


# Characters that end a sentence inside a bracket or quote: "(It was long.) But fun." is two.
# So do repeated marks before the pronoun "I", which sentencex 1.0.32 alone leaves joined
# ("Good fun!! I loved it." was one sentence in an IMDb review).
_CLOSED_END = re.compile(r"(?<=[.!?][)\]\"'\u201d])\s+(?=\S)|(?<=[!?][!?])\s+(?=I\b)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Each sentence of `text` as (start, end) code-point offsets, in order, whitespace trimmed.

    Every non-blank character of `text` lies in exactly one span. `<br />` breaks always end a
    sentence (reviews use them as paragraphs); within a paragraph the rule-based splitter of
    Wikimedia's `sentencex` decides (abbreviations, decimals, ellipses, a missing space after a
    full stop), plus one rule it lacks: an end mark closed by a bracket or quote ends a sentence.
    """
    # Imported here: a model that reads no sentences (`make compare` loads older ones) and the
    # tools that only tokenize never pay for it.
    import sentencex

    # The splitter is Rust and refuses lone surrogates; one stand-in code point keeps offsets.
    safe = LONE_SURROGATE.sub("\ufffd", text)
    spans: list[tuple[int, int]] = []
    paragraph = 0
    for brk in [*LINE_BREAK.finditer(safe), None]:
        stop = brk.start() if brk else len(safe)
        at = paragraph
        for piece in sentencex.segment("en", safe[paragraph:stop]):
            cut = at
            for part in [*_CLOSED_END.finditer(piece), None]:
                end = at + (part.start() if part else len(piece))
                start = cut + len(safe[cut:end]) - len(safe[cut:end].lstrip())
                end -= len(safe[start:end]) - len(safe[start:end].rstrip())
                if end > start:
                    spans.append((start, end))
                cut = at + part.end() if part else cut
            at += len(piece)
        paragraph = brk.end() if brk else stop
    return spans


def sentence_words(text: str) -> list[list[str]]:
    """The tokens of each sentence of `text` (`words` of each `sentence_spans` substring)."""
    return [words(text[a:b]) for a, b in sentence_spans(text)]


# A contraction is read as its long form, so that "isn't" and "is not", which people type
# interchangeably, are one text to a model that reads them (`TextConfig.contractions`).
CONTRACTION_AUXILIARIES = frozenset(
    "is are was were do does did could would should have has had must need might".split()
)
CONTRACTION_LONG_FORMS: dict[str, tuple[str, ...]] = {
    "can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
    "ain't": ("is", "not"), "shan't": ("shall", "not"), "let's": ("let", "us"),
}  # fmt: skip
CONTRACTION_SUFFIXES = {"'re": "are", "'m": "am", "'ve": "have", "'ll": "will", "'d": "would"}
# "'s" means "is" after these; after a noun it is mostly possessive ("the director's cut").
CONTRACTION_IS_AFTER = frozenset("it he she that there here what who where how".split())


def expand(token: str) -> tuple[str, ...]:
    """The words a token stands for: `isn't` -> (is, not), `dont` -> (do, not), `i'm` -> (i, am);
    any other token is itself. "cant" and "wont" (also words) are left as typed."""
    if token in CONTRACTION_LONG_FORMS:
        return CONTRACTION_LONG_FORMS[token]
    for cut in ("n't", "nt"):
        if token.endswith(cut) and token[: -len(cut)] in CONTRACTION_AUXILIARIES:
            return token[: -len(cut)], "not"
    stem, _, tail = token.rpartition("'")
    if stem and "'" not in stem:
        if f"'{tail}" in CONTRACTION_SUFFIXES:
            return stem, CONTRACTION_SUFFIXES[f"'{tail}"]
        if tail == "s" and stem in CONTRACTION_IS_AFTER:
            return stem, "is"
    return (token,)


def ngrams(tokens: Sequence[str], order: int) -> list[str]:
    """All 1..order-grams of `tokens`, space-joined, in text order (duplicates kept)."""
    grams = list(tokens)
    # zip over shifted views: about twice as fast as joining slices, the same strings.
    if order >= 2:
        grams.extend([f"{a} {b}" for a, b in itertools.pairwise(tokens)])
    if order >= 3:
        grams.extend(
            [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]
        )
    for n in range(4, order + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams
