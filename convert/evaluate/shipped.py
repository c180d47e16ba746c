"""The shipped files judged as the service runs them: through `handler.inference.predictor.LitePredictor`.

Short text, calibration, resolution of the probabilities, accuracy by length, and how faithful
the explanations are (deleting the top-weighted words against deleting as many random ones).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import numpy as np

from convert.data.prepare import SEED, Split
from convert.evaluate.metrics import Labels, accuracy_by_length, reliability, summary
from handler.constants import THRESHOLD
from handler.inference.predictor import LitePredictor
from handler.inference.text import plain

# What the model card shows of each failure mode, answered by the shipped files.
PROBES = {
    "negation scope": [
        "Not good at all.",
        "I did not think it was bad.",
        "Not bad, not bad at all.",
        "It was not the worst film I have seen, but close.",
    ],
    "sarcasm": [
        "Oh great, another two hours of my life I will never get back.",
        "What a masterpiece, if you enjoy watching paint dry.",
    ],
    "mixed reviews": [
        "Beautiful photography, but the story is dull and the acting is wooden.",
        "I expected to hate it, but I ended up loving it.",
    ],
    "very short text": ["bad", "good", "meh", "wow", "Loved it!", "Boring."],
    "out of scope": ["the the the", "C'est un film magnifique.", "Das war ein schrecklicher Film."],
}
TOP_SHARE = 0.2  # the share of explained words deleted in the faithfulness test
FAITHFULNESS_TEXTS = 400


def probabilities(predictor: LitePredictor, split: Split, batch: int = 256) -> np.ndarray:
    out: list[float] = []
    lengths = split.sentence_lengths()
    for i in range(0, len(split), batch):
        found = predictor.score_words(split.tokens[i : i + batch], lengths[i : i + batch])
        out += [a.probability for a in found]
    return np.array(out)


def short_text(predictor: LitePredictor, sets: dict[str, Split]) -> dict[str, Any]:
    """Accuracy, calibration and answers near 0.5 on each labelled-sentence set."""
    results = {}
    for name, split in sets.items():
        p = probabilities(predictor, split)
        results[name] = {**summary(p, split.labels), "reliability": reliability(p, split.labels)}
    return results


def by_length(probs: dict[str, np.ndarray], split: Split) -> dict[str, Any]:
    """Accuracy by review length (words, stopwords included) for each named model."""
    lengths = [len(plain(t)) for t in split.tokens]
    return {name: accuracy_by_length(p, split.labels, lengths) for name, p in probs.items()}


def _p_label(
    predictor: LitePredictor, word_lists: Sequence[Sequence[str]], labels: Labels
) -> np.ndarray:
    # As texts: the predictor cuts them into sentences as the service does.
    p = np.array([a.probability for a in predictor.predict([" ".join(w) for w in word_lists])])
    return np.where(labels == 1, p, 1 - p)


def faithfulness(
    predictor: LitePredictor, split: Split, n: int = FAITHFULNESS_TEXTS, seed: int = SEED
) -> dict[str, float]:
    """Mean fall of P(predicted label) when the top 20% of explained words are deleted, against
    deleting as many randomly chosen explained words, on up to `n` texts."""
    rng = random.Random(seed)
    rows = rng.sample(range(len(split)), min(n, len(split)))
    full, top, rand = [], [], []
    for i in rows:
        tokens = split.tokens[i]
        answer, weights = predictor.explain(" ".join(tokens))
        if not weights:
            continue
        label = np.array([int(answer.probability >= THRESHOLD)])
        sign = 1 if label[0] == 1 else -1
        k = max(1, math.ceil(TOP_SHARE * len(weights)))
        ranked = [w for w, _ in sorted(weights, key=lambda ww: -sign * ww[1])][:k]
        chosen = rng.sample([w for w, _ in weights], k)
        variants = [
            tokens,
            [t for t in tokens if t not in ranked],
            [t for t in tokens if t not in chosen],
        ]
        p = [_p_label(predictor, [v], label)[0] for v in variants]
        full.append(p[0])
        top.append(p[0] - p[1])
        rand.append(p[0] - p[2])
    return {
        "texts": len(full),
        "top_words_fall": float(np.mean(top)),
        "random_words_fall": float(np.mean(rand)),
    }


def probes(predictor: LitePredictor) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, texts in PROBES.items():
        answers = predictor.predict(texts)
        out[kind] = [
            {"text": t, "probability": round(a.probability, 4), "words_used": a.words_used}
            for t, a in zip(texts, answers, strict=True)
        ]
    return out


def evaluate(
    predictor: LitePredictor,
    test: Split,
    sentence_sets: dict[str, Split],
    val: Split,
    baseline: dict[str, np.ndarray],
) -> dict[str, Any]:
    """Everything reports/results.md shows about the shipped model beyond the test accuracy."""
    test_p = probabilities(predictor, test)
    return {
        "test": {**summary(test_p, test.labels), "reliability": reliability(test_p, test.labels)},
        "distinct_probabilities": len(np.unique(test_p)),
        "exact_half": int(np.sum(test_p == THRESHOLD)),
        "sentences": short_text(predictor, sentence_sets),
        "probes": probes(predictor),
        "by_length": by_length({"served (int8)": test_p, **baseline}, test),
        "faithfulness": {
            "validation reviews": faithfulness(predictor, val),
            **{
                f"{name} sentences": faithfulness(predictor, s) for name, s in sentence_sets.items()
            },
        },
    }
