"""Counterfactuals of real training sentences: what negation, contrast and questions do.

Sentences come from confident fit reviews (rated 1-2 or 9-10 stars) whose own polarity, by
VADER's lexicon, agrees with the review's label; each generated text is built from them by a
rule whose effect on the label is known (Wang & Culotta, AAAI 2021, generate counterfactuals
the same way, from their own training data):

- negation put in after a copula or an "I liked" ("it was brilliant" -> "it was not brilliant",
  label flipped), half of them contracted ("wasn't"); taking a negation out is not done yet;
- contrast: two real sentences of opposite polarity joined by "but", "although" or "however",
  labelled by the clause that decides;
- questions answered: "was it worth it ? no ." followed, or not, by a real sentence that agrees;
- "used to": the clause after "now" decides;
- names: a copy of a sentence with a name or place replaced by a word the model has never seen,
  with the same label, so that an unknown name moves nothing.
- antonyms (with `antonyms` on): a sentence beside a copy with each of its opinion words swapped
  for its opposite ("the script was brilliant" -> "the script was awful"), label flipped. Every
  other word, a topic noun or a day of the week, is then on both sides of the pair, so only the
  swapped word can tell them apart.

Nothing here reads the validation or test reviews, and no template comes from a published
behavioural suite: the rules are written from the grammar, the words from the fit reviews.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from convert.data.imdb import Review
from convert.data.lexicons import vader_lexicon
from convert.data.prepare import Split
from handler.inference.marks import negates
from handler.inference.text import PUNCTUATION, sentence_words

Tokens = list[str]
STRONG = 1.5  # |VADER valence| of a word that makes a sentence's polarity
COPULAS = frozenset("is was are were be been seems seemed looks looked felt feels".split())
LIKED = {"loved": "love", "liked": "like", "enjoyed": "enjoy", "love": "love", "like": "like",
         "enjoy": "enjoy", "recommend": "recommend", "adored": "adore", "admire": "admire"}  # fmt: skip
CONTRACTED = {"is": "isn't", "was": "wasn't", "are": "aren't", "were": "weren't"}
QUESTIONS = (
    "was it good ?", "is it worth watching ?", "did i like it ?", "would i watch it again ?",
    "do i recommend it ?", "was it any good ?", "is this movie worth your time ?",
    "did it work for me ?", "was i entertained ?", "should you see it ?",
)  # fmt: skip
UNSEEN = ("zarvokel", "quintaro", "belmaris", "ostrovny", "kellingworth", "tavonne")
# Opposite opinion words, each a VADER word of the other sign (a test checks). Left out: words
# with another sense that swaps badly ("like" the preposition, "love" in "a love story", "poor"
# and "sad" as pity) and words VADER lacks.
_OPPOSITES = (
    ("good", "bad"), ("great", "terrible"), ("brilliant", "awful"), ("excellent", "dreadful"),
    ("best", "worst"), ("loved", "hated"), ("wonderful", "horrible"), ("beautiful", "ugly"),
    ("interesting", "boring"), ("strong", "weak"), ("smart", "stupid"), ("clever", "dumb"),
    ("liked", "disliked"), ("better", "worse"), ("nice", "nasty"), ("pleasant", "unpleasant"),
    ("impressive", "disappointing"), ("exciting", "dull"), ("talented", "incompetent"),
    ("charming", "annoying"), ("delightful", "painful"),
)  # fmt: skip
OPPOSITE = {**dict(_OPPOSITES), **{b: a for a, b in _OPPOSITES}}


def _polarity(sentence: Tokens, lexicon: Mapping[str, float]) -> int:
    """+1, -1, or 0 (no strong word, or both kinds)."""
    found = {lexicon[t] > 0 for t in sentence if abs(lexicon.get(t, 0.0)) >= STRONG}
    return 0 if len(found) != 1 else (1 if found.pop() else -1)


def _negated(sentence: Tokens) -> bool:
    return any(negates(t) for t in sentence)


def pools(reviews: Sequence[Review], lexicon: Mapping[str, float]) -> dict[int, list[Tokens]]:
    """Short sentences without negation from confident reviews, agreeing with their label."""
    found: dict[int, list[Tokens]] = {0: [], 1: []}
    for review in reviews:
        if 3 <= review.rating <= 8:
            continue
        for s in sentence_words(review.text):
            agrees = _polarity(s, lexicon) == (1 if review.label else -1)
            if 4 <= len(s) <= 20 and not _negated(s) and agrees:
                found[review.label].append(s)
    return found


def insert_negation(
    s: Tokens, lexicon: Mapping[str, float], contracted: bool = False
) -> Tokens | None:
    """`it was brilliant .` -> `it was not brilliant .`; `i loved it` -> `i did not love it`.

    `contracted`: `wasn't brilliant`, `didn't love`, as people type them.
    """
    for i, t in enumerate(s[:-1]):
        if t in COPULAS and any(abs(lexicon.get(w, 0.0)) >= STRONG for w in s[i + 1 : i + 4]):
            if contracted and t in CONTRACTED:
                return [*s[:i], CONTRACTED[t], *s[i + 1 :]]
            return [*s[: i + 1], "not", *s[i + 1 :]]
        if t in LIKED and i > 0 and s[i - 1] in {"i", "we"}:
            aux = "did" if t.endswith("ed") else "do"
            negation = [f"{aux}n't"] if contracted else [aux, "not"]
            return [*s[:i], *negation, LIKED[t], *s[i + 1 :]]
    return None


def _strip_end(s: Tokens) -> Tokens:
    return s[:-1] if s and s[-1] in PUNCTUATION else s


def _contrast(a: Tokens, b: Tokens, rng: random.Random) -> list[Tokens]:
    """`a` then `b` (of the other polarity) joined so that `b` decides."""
    form = rng.randrange(4)
    if form == 0:
        return [[*_strip_end(a), ",", "but", *b]]
    if form == 1:
        return [["although", *_strip_end(a), ",", *b]]
    if form == 2:
        return [a, ["however", ",", *b]]
    return [["i", "thought", *_strip_end(a), ",", "but", *b]]


def swap_opposites(s: Tokens, lexicon: Mapping[str, float]) -> Tokens | None:
    """Each opinion word of `s` with an opposite swapped for it; None unless every word that
    makes its polarity (`STRONG`) has one, since a word left unswapped would keep the old label's
    say. A weaker word with an opposite is swapped too: "it was awful and boring" becomes "it was
    brilliant and interesting", not "it was brilliant and boring"."""
    strong = {t for t in s if abs(lexicon.get(t, 0.0)) >= STRONG}
    if not strong or not strong <= OPPOSITE.keys():
        return None
    return [OPPOSITE.get(t, t) for t in s]


class Generator:
    """Counterfactual texts (as sentences of tokens) with labels, from the fit reviews."""

    def __init__(self, reviews: Sequence[Review], seed: int) -> None:
        self.lexicon = vader_lexicon()
        self.pool = pools(reviews, self.lexicon)
        self.rng = random.Random(seed)

    def _pick(self, label: int) -> Tokens:
        return self.rng.choice(self.pool[label])

    def negations(self, n: int) -> list[tuple[list[Tokens], int]]:
        """A sentence beside its negation, labelled oppositely: the pair differs by the negation.

        Mostly praise, whose negation is negative. One in four is criticism, whose negation
        ("it was not terrible") leans positive, as the lexicon examples have it too
        (`convert.data.lexicons`): binary labels have no neutral. Half are contracted.
        """
        out: list[tuple[list[Tokens], int]] = []
        for i in range(n):
            label = 0 if i % 4 == 3 else 1
            s = self._pick(label)
            negated = insert_negation(s, self.lexicon, contracted=i % 2 == 0)
            if negated is not None:
                out += [([s], label), ([negated], 1 - label)]
        return out

    def contrasts(self, n: int) -> list[tuple[list[Tokens], int]]:
        out = []
        for _ in range(n):
            label = self.rng.randrange(2)
            out.append((_contrast(self._pick(1 - label), self._pick(label), self.rng), label))
        return out

    def questions(self, n: int) -> list[tuple[list[Tokens], int]]:
        out = []
        for _ in range(n):
            label = self.rng.randrange(2)
            answer = ["yes", "."] if label else ["no", "."]
            if self.rng.random() < 0.5:
                answer = ["yes", ",", *self._pick(1)] if label else ["no", ",", *self._pick(0)]
            out.append(([self.rng.choice(QUESTIONS).split(), answer], label))
        return out

    def used_to(self, n: int) -> list[tuple[list[Tokens], int]]:
        out = []
        for _ in range(n):
            label = self.rng.randrange(2)
            before, now = _strip_end(self._pick(1 - label)), self._pick(label)
            out.append(([["i", "used", "to", "think", *before, ",", "but", "now", *now]], label))
        return out

    def unseen_names(self, n: int, aliases: Mapping[str, str]) -> list[tuple[list[Tokens], int]]:
        """Sentences naming a person or place, again with the name replaced by an unseen word."""
        out = []
        for label in (0, 1):
            named = [s for s in self.pool[label] if any(t in aliases for t in s)]
            for s in self.rng.sample(named, min(n // 2, len(named))):
                word = self.rng.choice(UNSEEN)
                out += [([s], label), ([[word if t in aliases else t for t in s]], label)]
        return out

    def antonyms(self, n: int, negated: bool = False) -> list[tuple[list[Tokens], int]]:
        """Up to `n` // 2 sentences of each label beside their opposites (`swap_opposites`);
        `negated`: each of the two negated too, where `insert_negation` finds the place, labelled
        as `negations` labels it, so a pair's word decides and a "not" before it still flips it."""
        out = []
        for label in (0, 1):
            swappable = [(s, t) for s in self.pool[label] if (t := swap_opposites(s, self.lexicon))]
            for s, t in self.rng.sample(swappable, min(n // 2, len(swappable))):
                out += [([s], label), ([t], 1 - label)]
                if negated:
                    for x, y in ((s, label), (t, 1 - label)):
                        neg = insert_negation(x, self.lexicon, contracted=self.rng.random() < 0.5)
                        if neg is not None:
                            out.append(([neg], 1 - y))
        return out

    def all(
        self,
        n: int,
        aliases: Mapping[str, str],
        antonyms: bool = False,
        negated: bool = False,
        antonym_share: float = 1.0,
    ) -> Split:
        """`n` of each kind; the antonym kind, if on, `antonym_share` of `n`."""
        kinds: list[Callable[[int], list[tuple[list[Tokens], int]]]] = [
            self.negations, self.contrasts, self.questions, self.used_to,
        ]  # fmt: skip
        found = [x for kind in kinds for x in kind(n)] + self.unseen_names(n, aliases)
        if antonyms:  # last, so that the kinds before it draw what they drew without it
            found += self.antonyms(round(n * antonym_share), negated)
        self.rng.shuffle(found)
        return Split(
            [[t for s in sents for t in s] for sents, _ in found],
            np.array([label for _, label in found], dtype=np.int64),
            ["counterfactual"] * len(found),
            [[len(s) for s in sents] for sents, _ in found],
        )
