"""How much of a model's figures is the draw: the served recipe trained again with only the CNN's
seeds shifted (`ServedConfig.seed_shift`), every draw read on the development signals.

The signals are those model choices are made on (validation, the hand-written set, our suite)
and the two examples of issue 23's points 4 and 7; none is test data. Every draw, the shipped
model too, is read in float Keras through its own head, so the columns differ only by the draw.
A candidate beats the shipped model on a signal only by more than that signal's spread here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt

from convert.behaviour import handwritten, suite
from convert.behaviour.cases import Test
from convert.behaviour.corpus import training_sentences
from convert.behaviour.run import Scorer, capability_rates, run
from convert.data.imdb import Imdb
from convert.export.predict import keras_outputs
from convert.train import served
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.features import Features

# Point 4: a text without evidence stays near the prior. Point 7: "script" is not negative here.
NO_EVIDENCE = "I watched it on Tuesday."
IN_CONTEXT, WORD = "A clever script.", "script"
# The same question over many pairs, steadier than one example: a topic noun's weight after praise.
PRAISE = "clever brilliant wonderful great superb funny beautiful excellent smart moving".split()
NOUNS = "script plot acting story ending dialogue cast direction music characters".split()


@dataclass
class Draw:
    shift: int
    validation: float  # the mixed model on the validation reviews, before the refit
    figures: dict[str, float] = field(default_factory=dict)


def float_scorer(model: keras.Model, head: Head, encoder: Encoder) -> Scorer:
    """P(positive) from the Keras export graph through `head`, read as the service reads texts."""

    def score(texts: Sequence[str]) -> list[float]:
        features = [encoder.featurize(*encoder.text_words(t)) for t in texts]
        z = logits(model, head, encoder, features, [len(encoder.known(f)) for f in features])
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]

    return score


def logits(
    model: keras.Model,
    head: Head,
    encoder: Encoder,
    features: Sequence[Features],
    known: Sequence[int],
) -> npt.NDArray[np.float64]:
    """Calibrated log-odds, each row through the head its count of `known` words picks."""
    return head.logits(keras_outputs(model, encoder.encode_features(features)), known)


def word_weight(model: keras.Model, head: Head, encoder: Encoder, text: str, word: str) -> float:
    """Occlusion as the service explains: the fall in log-odds when every copy of `word` is
    deleted (the rest marked anew), both variants through the full text's head."""
    full = encoder.featurize(*encoder.text_words(text))
    variants = [full, encoder.featurize(*full.without(word))]
    z = logits(model, head, encoder, variants, [len(encoder.known(full))] * 2)
    return float(z[0] - z[1])


def signals(
    model: keras.Model, head: Head, encoder: Encoder, tests: Sequence[Test]
) -> dict[str, float]:
    """Every development signal of one draw: shares and rates in %, log-odds, a probability."""
    score = float_scorer(model, head, encoder)
    opinions = handwritten.model_figures("draw", handwritten.load(), score)
    rates = capability_rates(run(tests, score))
    nouns = [word_weight(model, head, encoder, f"A {a} {n}.", n) for a in PRAISE for n in NOUNS]
    return {
        "hand-written right (%)": 100 * opinions["right"],
        "hand-written confident (%)": 100 * opinions["confident"],
        **{f"{cap} failing (%)": 100 * rate for cap, rate in rates.items()},
        f'P("{NO_EVIDENCE}")': score([NO_EVIDENCE])[0],
        f'"{WORD}" in "{IN_CONTEXT}" (log-odds)': word_weight(
            model, head, encoder, IN_CONTEXT, WORD
        ),
        "topic noun after praise, mean (log-odds)": float(np.mean(nouns)),
        "topic noun after praise, negative (%)": 100 * float(np.mean(np.array(nouns) < 0)),
    }


def draws(
    imdb: Imdb,
    sentences: Path,
    shifts: Sequence[int],
    shipped: tuple[keras.Model, Head, Encoder, float],
) -> list[Draw]:
    """The shipped model (shift 0, as exported, not retrained) and one new training per shift."""
    from convert.pipeline import train_served

    tests = suite.build(training_sentences(imdb.train))
    model, head, encoder, validation = shipped
    found = [Draw(0, validation, signals(model, head, encoder, tests))]
    for shift in shifts:
        s = replace(served.SERVED, seed_shift=shift)
        trained, head, encoder = train_served(imdb, sentences, s)
        assert trained.runs[-1].val is not None
        draw = Draw(shift, trained.runs[-1].val.accuracy)
        draw.figures = signals(trained.model, head, encoder, tests)
        found.append(draw)
    return found


def markdown(found: Sequence[Draw]) -> str:
    rows = ["validation, mixed (%)", *found[0].figures]
    values = {d.shift: {"validation, mixed (%)": 100 * d.validation, **d.figures} for d in found}
    head = " | ".join(f"shift {d.shift}" + (" (shipped)" if d.shift == 0 else "") for d in found)
    out = [
        "# How much a figure owes to the draw",
        "",
        "The served recipe trained again with only the CNN's seeds (initialisation, batch order)",
        "shifted; the data, the spans and the counterfactuals are the same. Every column is read",
        "in float Keras through its own head (`python -m convert seeds`, `make seeds`). A",
        "difference between two models smaller than a row's spread says nothing about the models.",
        "",
        f"| signal | {head} | spread |",
        "|---|" + "---:|" * (len(found) + 1),
    ]
    for row in rows:
        got = [values[d.shift][row] for d in found]
        cells = " | ".join(f"{v:.2f}" for v in got)
        out.append(f"| {row} | {cells} | {max(got) - min(got):.2f} |")
    return "\n".join(out) + "\n"


def write(found: Sequence[Draw], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    body: list[dict[str, Any]] = [
        {"shift": d.shift, "validation": d.validation, "figures": d.figures} for d in found
    ]
    paths = [out / "seeds.json", out / "seeds.md"]
    paths[0].write_text(json.dumps(body, indent=2) + "\n")
    paths[1].write_text(markdown(found))
    return paths
