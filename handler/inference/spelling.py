"""A typed word the model has never seen, read as the known word one slip away (`TextConfig.spelling`).

Only two slips are undone: two neighbouring letters swapped ("teh", "graet") and a letter too
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

    @functools.lru_cache(maxsize=_CACHE)
    def correct(word: str) -> str:
        if len(word) < MIN_LETTERS or not word.isalpha() or word in rank:
            return word
        if placeholder(word, aliases) is not None or is_known(word):
            return word
        found = [c for c in candidates(word) if c in rank]
        return min(found, key=rank.__getitem__) if found else word

    return correct
