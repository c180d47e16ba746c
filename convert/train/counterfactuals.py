"""Counterfactuals of real training sentences: what negation, contrast and questions do.

Sentences come from confident fit reviews (rated 1-2 or 9-10 stars) whose own polarity, by
VADER's lexicon, agrees with the review's label; each generated text is built from them by a
rule whose effect on the label is known (Wang & Culotta, AAAI 2021, generate counterfactuals
the same way, from their own training data):

- negation put in after a copula or an "I liked" ("it was brilliant" -> "it was not brilliant",
  label flipped), half of them contracted ("wasn't");
- negation taken out: "it was not funny" in a negative review -> "it was funny", labelled by the
  word that was negated;
- evidence taken out: a sentence without its lexicon words and intensifiers ("a clever script"
  -> "a script"), labelled 0.5, so that a topic word ("script", "plot") carries no polarity of its
  own and a text without evidence stays near the prior;
- aspects swapped: "the script was clever" -> "the score was clever", same label;
- contrast: two real sentences of opposite polarity joined by "but", "although" or "however",
  labelled by the clause that decides;
- questions answered: "was it worth it ? no ." followed, or not, by a real sentence that agrees;
- "used to": the clause after "now" decides;
- names: a copy of a sentence with a name or place replaced by a word the model has never seen,
  with the same label, so that an unknown name moves nothing.

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
from handler.inference.marks import NEGATIONS
from handler.inference.text import PUNCTUATION, sentence_words

Tokens = list[str]
Example = tuple[list[Tokens], float]  # a text's sentences and its label (0, 1, or NEUTRAL)
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
# What a film review talks about: swapped for one another, a sentence keeps its label, so no
# topic word ("script", "plot") is negative because critics name it more often than fans do.
ASPECTS = (
    frozenset(
        "film movie script plot story acting cast ending dialogue direction music soundtrack "
        "screenplay writing cinematography photography editing score premise casting "
        "performance character scene sequence setting production".split()
    ),
    frozenset(
        "films movies scripts plots stories actors actresses endings characters scenes "
        "performances effects visuals costumes sets songs lines jokes".split()
    ),
)
# Intensifiers (VADER's boosters): no polarity of their own, but "a very script" is no sentence.
BOOSTERS = frozenset(
    "very really so too extremely absolutely incredibly quite pretty truly most totally utterly "
    "completely highly fairly rather somewhat just simply such".split()
)
NEUTRAL = 0.5
# A longer remainder often holds evidence no lexicon lists ("it stays with you for days").
MAX_BARE_WORDS = 8
UNSEEN = ("zarvokel", "quintaro", "belmaris", "ostrovny", "kellingworth", "tavonne")


def _polarity(sentence: Tokens, lexicon: Mapping[str, float]) -> int:
    """+1, -1, or 0 (no strong word, or both kinds)."""
    found = {lexicon[t] > 0 for t in sentence if abs(lexicon.get(t, 0.0)) >= STRONG}
    return 0 if len(found) != 1 else (1 if found.pop() else -1)


def _negated(sentence: Tokens) -> bool:
    return any(t in NEGATIONS or t.endswith("n't") for t in sentence)


def negated_pool(reviews: Sequence[Review], lexicon: Mapping[str, float]) -> list[Tokens]:
    """Short sentences of confident reviews where a copula's negation turns a strong word
    against itself and the review's label agrees ("it was not funny" in a negative review)."""
    found = []
    for review in reviews:
        if 3 <= review.rating <= 8:
            continue
        for s in sentence_words(review.text):
            if 4 <= len(s) <= 20:
                plain = remove_negation(s, lexicon)
                if plain is not None and plain[1] != review.label:
                    found.append(s)
    return found


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


def remove_negation(s: Tokens, lexicon: Mapping[str, float]) -> tuple[Tokens, int] | None:
    """`it was not funny .` -> (`it was funny .`, 1): a copula's negation before a strong word,
    taken out; the label is that word's polarity. None where the pattern is not there."""
    for i, t in enumerate(s[:-2]):
        negated = t in {"not", "never"} and i > 0 and s[i - 1] in COPULAS
        contracted = t in CONTRACTED.values()
        if not (negated or contracted):
            continue
        # The negated word comes next, or after one intensifier, and is the sentence's only
        # strong word: "not thrilling but irritating" is decided by more than the negation.
        j = i + 2 if s[i + 1] in BOOSTERS else i + 1
        strong = [lexicon[w] for w in s if abs(lexicon.get(w, 0.0)) >= STRONG]
        word = s[j] if j < len(s) else ""
        if abs(lexicon.get(word, 0.0)) < STRONG or word == "like" or len(strong) != 1:
            return None
        if _negated(s[i + 1 :]):
            return None
        plain = [*s[:i], *s[i + 1 :]] if negated else [*s[:i], _uncontracted(t), *s[i + 1 :]]
        return None if _negated(plain) else (plain, int(lexicon[word] > 0))
    return None


def _uncontracted(word: str) -> str:
    return next(k for k, v in CONTRACTED.items() if v == word)


def remove_evidence(s: Tokens, lexicon: Mapping[str, float]) -> Tokens | None:
    """`a clever script .` -> `a script .`: every lexicon word and intensifier taken out, and
    "!" made ".". None unless something was taken and 2 to `MAX_BARE_WORDS` words are left."""
    kept = ["." if t == "!" else t for t in s if t not in lexicon and t not in BOOSTERS]
    words = [t for t in kept if t.isalpha()]
    if len(kept) == len(s) or not 2 <= len(words) <= MAX_BARE_WORDS:
        return None
    return kept if all(t.isalpha() or t in PUNCTUATION for t in kept) else None


def _aspects(s: Tokens) -> list[tuple[int, frozenset[str]]]:
    return [(i, group) for i, t in enumerate(s) for group in ASPECTS if t in group]


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


class Generator:
    """Counterfactual texts (as sentences of tokens) with labels, from the fit reviews."""

    def __init__(self, reviews: Sequence[Review], seed: int) -> None:
        self.lexicon = vader_lexicon()
        self.pool = pools(reviews, self.lexicon)
        self.negated = negated_pool(reviews, self.lexicon)
        self.rng = random.Random(seed)

    def _pick(self, label: int) -> Tokens:
        return self.rng.choice(self.pool[label])

    def negations(self, n: int) -> list[Example]:
        """A sentence beside its negation, labelled oppositely: the pair differs by the negation.

        Mostly praise, whose negation is negative. One in four is criticism, whose negation
        ("it was not terrible") leans positive, as the lexicon examples have it too
        (`convert.data.lexicons`): binary labels have no neutral. Half are contracted.
        """
        out: list[Example] = []
        for i in range(n):
            label = 0 if i % 4 == 3 else 1
            s = self._pick(label)
            negated = insert_negation(s, self.lexicon, contracted=i % 2 == 0)
            if negated is not None:
                out += [([s], label), ([negated], 1 - label)]
        return out

    def negations_removed(self, n: int) -> list[Example]:
        """Real negated sentences beside themselves without the negation, labelled by the word."""
        out: list[Example] = []
        for s in self.rng.sample(self.negated, min(n // 2, len(self.negated))):
            found = remove_negation(s, self.lexicon)
            if found is not None:
                plain, label = found
                out += [([s], 1 - label), ([plain], label)]
        return out

    def evidence_removed(self, n: int) -> list[Example]:
        """Sentences without their evidence, labelled neutral."""
        out: list[Example] = []
        for i in range(n):
            bare = remove_evidence(self._pick(i % 2), self.lexicon)
            if bare is not None:
                out.append(([bare], NEUTRAL))
        return out

    def aspects_swapped(self, n: int) -> list[Example]:
        """A sentence naming one aspect ("the script was clever"), again with another aspect of
        the same number in its place ("the score was clever"), with the same label."""
        out: list[Example] = []
        for label in (0, 1):
            named = [s for s in self.pool[label] if len(_aspects(s)) == 1]
            for s in self.rng.sample(named, min(n // 2, len(named))):
                ((i, group),) = _aspects(s)
                other = self.rng.choice(sorted(group - {s[i]}))
                out.append(([[*s[:i], other, *s[i + 1 :]]], label))
        return out

    def contrasts(self, n: int) -> list[Example]:
        out: list[Example] = []
        for _ in range(n):
            label = self.rng.randrange(2)
            out.append((_contrast(self._pick(1 - label), self._pick(label), self.rng), label))
        return out

    def questions(self, n: int) -> list[Example]:
        out: list[Example] = []
        for _ in range(n):
            label = self.rng.randrange(2)
            answer = ["yes", "."] if label else ["no", "."]
            if self.rng.random() < 0.5:
                answer = ["yes", ",", *self._pick(1)] if label else ["no", ",", *self._pick(0)]
            out.append(([self.rng.choice(QUESTIONS).split(), answer], label))
        return out

    def used_to(self, n: int) -> list[Example]:
        out: list[Example] = []
        for _ in range(n):
            label = self.rng.randrange(2)
            before, now = _strip_end(self._pick(1 - label)), self._pick(label)
            out.append(([["i", "used", "to", "think", *before, ",", "but", "now", *now]], label))
        return out

    def unseen_names(self, n: int, aliases: Mapping[str, str]) -> list[Example]:
        """Sentences naming a person or place, again with the name replaced by an unseen word."""
        out: list[Example] = []
        for label in (0, 1):
            named = [s for s in self.pool[label] if any(t in aliases for t in s)]
            for s in self.rng.sample(named, min(n // 2, len(named))):
                word = self.rng.choice(UNSEEN)
                out += [([s], label), ([[word if t in aliases else t for t in s]], label)]
        return out

    def all(self, n: int, aliases: Mapping[str, str]) -> Split:
        kinds: list[Callable[[int], list[Example]]] = [
            self.negations, self.negations_removed, self.evidence_removed, self.aspects_swapped,
            self.contrasts, self.questions, self.used_to,
        ]  # fmt: skip
        found = [x for kind in kinds for x in kind(n)] + self.unseen_names(n, aliases)
        self.rng.shuffle(found)
        return Split(
            [[t for s in sents for t in s] for sents, _ in found],
            # Float labels: evidence taken out is labelled 0.5.
            np.array([label for _, label in found], dtype=np.float64),
            ["counterfactual"] * len(found),
            [[len(s) for s in sents] for sents, _ in found],
        )
