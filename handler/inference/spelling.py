"""A typed word the model has never seen, read as the known word one slip away (`TextConfig.spelling`).

Only two slips are undone: two neighbouring letters swapped ("thsi", "graet") and a letter too
many ("amazzing", "moviee"). A missing or a wrong letter is not guessed: undoing those turned
rare real words into other ones on training sentences ("resented" -> "presented", "detested" ->
"detected"). Of the candidates the most frequent known word wins (ids are frequency ranks).

A word is left alone when the model knows it in any form: in the word vocabulary, as an n-gram
unigram, or as a placeholder (names, places, identity words: `handler.inference.marks`), so an
unknown name is never turned into a word that carries sentiment; and when the training reviews
hold it, however rarely (the vocabulary file's `seen` words): such a word is real, and the model
learned to read it as unknown. So training, whose every word is seen, reads exactly what it
would without this, and only a word new to the model is read as another.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from handler.inference.marks import placeholder

MIN_LETTERS = 4  # shorter words are too often another real word one slip away
_CACHE = 1 << 16  # distinct unknown words remembered per model: bounded memory in a warm container


def correctable(word: str) -> bool:
    """Whether a slip may be undone in `word` at all (training lists the seen words it holds)."""
    return len(word) >= MIN_LETTERS and word.isalpha()


def candidates(word: str) -> set[str]:
    """Every word one undone slip away from `word`: a letter deleted, or two neighbours swapped."""
    found = {word[:i] + word[i + 1 :] for i in range(len(word))}
    found.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    found.discard(word)
    return found


def corrector(
    rank: Mapping[str, int],
    is_known: Callable[[str], bool],
    aliases: Mapping[str, str],
) -> Callable[[str], str]:
    """`word -> word as read`: `rank` maps each known word to its frequency rank (lower: more
    frequent); `is_known` says whether the model reads a word in some form already."""

    # One undone slip shortens a word by a letter at most, so a longer word has no candidate. The
    # bound keeps the work (candidates grow with the square of the length) and the cache's keys
    # small whatever a request holds: a 100,000-letter run is one token.
    longest = max(map(len, rank), default=0) + 1

    @functools.lru_cache(maxsize=_CACHE)
    def cached(word: str) -> str:
        if placeholder(word, aliases) is not None or is_known(word):
            return word
        found = [c for c in candidates(word) if c in rank]
        return min(found, key=rank.__getitem__) if found else word

    def correct(word: str) -> str:
        if len(word) > longest or word in rank or not correctable(word):
            return word
        return cached(word)

    return correct
