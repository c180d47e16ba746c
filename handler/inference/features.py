"""What the model reads of a text, built once per text (`featurize`): its tokens, words, marks,
content words and sentences, and the settings (`TextConfig`) that say how they become inputs.

Needs no vocabulary but to undo a typing slip (the encoder's `spell`), so training builds its
vocabularies and word vectors from it; the `handler.inference.encoder.Encoder` turns it into the
model's int32 inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from handler.inference.marks import mark
from handler.inference.sentences import branch_tokens, split
from handler.inference.text import STOPWORDS, expand, plain

PAD_ID = 0

Side = Literal["pre", "post"]


@dataclass(frozen=True)
class TextConfig:
    """How a review becomes model inputs; saved with the vocabularies and in the manifest."""

    seq_len: int = 400
    ngram_len: int = 0  # 0: the model has no n-gram input
    ngram_order: int = 3
    padding: Side = "pre"  # pre-padding keeps real tokens next to a recurrent layer's final state
    truncating: Side = "post"  # keep the beginning of over-long reviews
    ngram_stopwords: bool = False  # n-grams over every word (True) or over content words only
    marks: bool = (
        False  # negation scope, overridden clauses and placeholders (handler.inference.marks)
    )
    # The sentence branch (handler.inference.sentences): rows of every token of a sentence, in
    # place of the content words. 0: the model reads content words (`seq_len`) instead.
    sentences: int = 0
    sentence_len: int = 0
    # Contractions read as their long forms ("isn't" as "is not": `handler.inference.text.expand`)
    contractions: bool = False
    # Unknown words read as the known word one slip away (`handler.inference.spelling`)
    spelling: bool = False


def fit(ids: Sequence[int], length: int, padding: Side, truncating: Side) -> list[int]:
    """Pad with PAD_ID or truncate `ids` to exactly `length` items."""
    if len(ids) > length:
        ids = ids[:length] if truncating == "post" else ids[len(ids) - length :]
    pad = [PAD_ID] * (length - len(ids))
    return [*pad, *ids] if padding == "pre" else [*ids, *pad]


@dataclass(frozen=True)
class Features:
    """One text as the model reads it, built once (`Encoder.featurize`): its tokens, its words,
    one feature per word (marked or not), and the content words with their features."""

    tokens: tuple[str, ...]  # as read: contractions expanded, slips undone (`TextConfig`)
    words: list[str]
    marked: list[str]
    content_words: list[str]
    content: list[str]  # the features of `content_words`: what the word branch reads
    lengths: tuple[int, ...] = ()  # tokens per sentence; () when the text was not split
    typed: tuple[str, ...] = ()  # as `words()` split them, clause punctuation included
    typed_lengths: tuple[int, ...] = ()

    def without(self, word: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The typed tokens and sentence lengths with every copy of the typed `word` deleted (an
        explanation's variant, to featurize again)."""
        sentences = split(self.typed, self.typed_lengths or (len(self.typed),))
        kept = [[t for t in s if t != word] for s in sentences]
        return tuple(t for s in kept for t in s), tuple(len(s) for s in kept)


def read(
    tokens: Sequence[str],
    config: TextConfig,
    lengths: Sequence[int] = (),
    spell: Callable[[str], str] | None = None,
) -> tuple[list[str], list[int]]:
    """The tokens as the model reads them, and the tokens per sentence, as `config` says: each
    contraction expanded, then a slip undone (`spell`, which needs a vocabulary) in each token
    left whole ("dont" is "do not", not a slip of "dot")."""
    spelled = spell if spell is not None and config.spelling else None
    if not config.contractions:
        return [spelled(t) for t in tokens] if spelled else list(tokens), list(lengths)
    out: list[str] = []
    counts: list[int] = []
    for part in split(tokens, lengths or (len(tokens),)):
        before = len(out)
        for t in part:
            found = expand(t)
            out.extend((spelled(t),) if spelled and len(found) == 1 else found)
        counts.append(len(out) - before)
    return out, counts if lengths else []


def featurize(
    tokens: Sequence[str],
    config: TextConfig,
    aliases: Mapping[str, str] | None = None,
    lengths: Sequence[int] = (),
    spell: Callable[[str], str] | None = None,
) -> Features:
    """Everything the model reads of `tokens`, from one pass (one `mark()` call).

    `lengths`: tokens per sentence, when `tokens` are a text's sentences one after another.
    `spell`: the encoder's corrector (`handler.inference.spelling`); training builds its
    vocabularies and word vectors without one, from the words as read without it.
    """
    found_tokens, found_lengths = read(tokens, config, lengths, spell)
    found = plain(found_tokens)
    marked = mark(found_tokens, aliases or {}, STOPWORDS) if config.marks else found
    content = [(w, f) for w, f in zip(found, marked, strict=True) if w not in STOPWORDS]
    return Features(
        tuple(found_tokens),
        found,
        marked,
        [w for w, _ in content],
        [f for _, f in content],
        tuple(found_lengths),
        tuple(tokens),
        tuple(lengths),
    )


def sentence_source(features: Features) -> list[str]:
    """The tokens the sentence branch reads (`handler.inference.sentences.branch_tokens`)."""
    return branch_tokens(features.tokens, features.marked)


def ngram_source(features: Features, config: TextConfig) -> list[str]:
    """The features the n-gram branch forms its n-grams over."""
    return features.marked if config.ngram_stopwords else features.content
