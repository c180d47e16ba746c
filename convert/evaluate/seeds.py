"""How much of a model's figures is the draw: the served recipe trained again with only the CNN's
seeds shifted (`ServedConfig.seed_shift`), every draw read on the development signals.

The signals are those model choices are made on (validation, the hand-written set, our suite),
the two examples of issue 23's points 4 and 7 and each over many texts (a topic noun after
praise; a rare word alone; the sentences of unlabelled reviews with no evidence that
`convert evidence-free` reads); none is test data. Every draw, the shipped
model too, is read in float Keras through its own head, so the columns differ only by the draw.
A candidate beats the shipped model on a signal only by more than that signal's spread here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
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
from convert.data.lexicons import vader_lexicon
from convert.evaluate import unlabelled
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
# Point 4 over many words: a word the reviews use rarely, outside the lexicon, alone in a
# sentence. Every 20th word of the vocabulary from rank 5,000 on (about 1,500): few reviews
# say anything about them, so an answer far from the prior is a few reviews' say remembered.
RARE_FROM, RARE_EVERY = 5_000, 20


@dataclass(frozen=True)
class Shipped:
    """The shipped model as exported: its graph, head, encoder and mixed validation accuracy."""

    model: keras.Model
    head: Head
    encoder: Encoder
    validation: float
    version: str  # the manifest's model_version

    @property
    def label(self) -> str:
        return f"shift 0 (shipped {self.version.rsplit('-', 1)[-1]})"


@dataclass
class Draw:
    label: str  # "shift 0 (shipped <hash>)", or the settings and the shift it was trained with
    validation: float  # the mixed model on the validation reviews, before the refit
    figures: dict[str, float] = field(default_factory=dict)


def settings_of(pairs: Sequence[str]) -> dict[str, Any]:
    """`KEY=VALUE` pairs as `ServedConfig` settings, each value read as its field's type."""
    kinds = {f.name: type(getattr(served.SERVED, f.name)) for f in fields(served.ServedConfig)}
    found: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        kind = kinds.get(key)
        if not sep or kind is None or key == "seed_shift":
            raise ValueError(
                f"{pair!r}: not KEY=VALUE with KEY a ServedConfig setting (shifts apart)"
            )
        if kind is bool and value not in ("true", "false"):
            raise ValueError(f"{pair!r}: {key} is true or false")
        try:
            found[key] = value == "true" if kind is bool else kind(value)
        except ValueError:
            raise ValueError(f"{pair!r}: {key} takes a {kind.__name__}") from None
    return found


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


def rare_words(encoder: Encoder) -> list[str]:
    """The words of `RARE_FROM`'s sample: lower-case words only, none of the lexicon's."""
    lexicon = vader_lexicon()
    sample = encoder.words.tokens[RARE_FROM::RARE_EVERY]
    return [w for w in sample if w.isalpha() and w.islower() and w not in lexicon]


def without_evidence(score: Scorer, texts: Sequence[str]) -> dict[str, float]:
    """Point 4 over sentences with no evidence: how many get a clear opinion's answer, how many
    stay near the prior (`unlabelled.spread`)."""
    found = unlabelled.spread(np.array(score(texts), np.float64))
    return {
        "evidence-free sentences, P <= 0.2 or >= 0.8 (%)": 100 * found["confident"],
        "evidence-free sentences, P within 0.1 of 0.5 (%)": 100 * found["near_prior"],
    }


def signals(
    model: keras.Model, head: Head, encoder: Encoder, tests: Sequence[Test], free: Sequence[str]
) -> dict[str, float]:
    """Every development signal of one draw: shares and rates in %, log-odds, a probability;
    `free`: the evidence-free sentences (`unlabelled.evidence_free_of`)."""
    score = float_scorer(model, head, encoder)
    opinions = handwritten.model_figures("draw", handwritten.load(), score)
    rates = capability_rates(run(tests, score))
    nouns = [word_weight(model, head, encoder, f"A {a} {n}.", n) for a in PRAISE for n in NOUNS]
    p = np.array(score([f"On {w}." for w in rare_words(encoder)]))
    alone = np.abs(np.log(p / (1 - p)))
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
        'rare word alone ("On <word>."), mean absolute log-odds': float(np.mean(alone)),
        'rare word alone ("On <word>."), P outside 0.12-0.88 (%)': 100 * float(np.mean(alone > 2)),
        **without_evidence(score, free),
    }


def draws(
    imdb: Imdb,
    sentences: Path,
    shifts: Sequence[int],
    shipped: Shipped,
    settings: Mapping[str, Any] | None = None,
) -> list[Draw]:
    """The shipped model (as exported, not retrained) and one new training per shift, of the
    served recipe or of the recipe with `settings` changed."""
    from convert.pipeline import ready_to_train, train_served

    tests = suite.build(training_sentences(imdb.train))
    free = unlabelled.evidence_free_of(imdb)
    found = [
        Draw(
            shipped.label,
            shipped.validation,
            signals(shipped.model, shipped.head, shipped.encoder, tests, free),
        )
    ]
    changed = ", ".join(f"{k}={v}" for k, v in (settings or {}).items())
    if not shifts:
        return found
    recipe = replace(served.SERVED, **(settings or {}))
    # Once for every draw: the shift moves the CNN's seeds only, never the data or the vectors.
    ready = ready_to_train(imdb, sentences, recipe)
    for shift in shifts:
        trained, head, encoder = train_served(ready, replace(recipe, seed_shift=shift))
        assert trained.runs[-1].val is not None
        draw = Draw(
            ", ".join(filter(None, [changed, f"shift {shift}"])), trained.runs[-1].val.accuracy
        )
        draw.figures = signals(trained.model, head, encoder, tests, free)
        found.append(draw)
    return found


def markdown(found: Sequence[Draw]) -> str:
    rows = ["validation, mixed (%)", *found[0].figures]
    values = {d.label: {"validation, mixed (%)": 100 * d.validation, **d.figures} for d in found}
    head = " | ".join(d.label for d in found)
    out = [
        "# How much a figure owes to the draw",
        "",
        "The shipped model, then the served recipe (with the settings a heading names) trained",
        "again with the CNN's seeds (initialisation, batch order) shifted; the data, the spans and",
        "the counterfactuals are the same. Every column is read in float Keras through its own",
        "head (`python -m convert seeds`, `make seeds`). Between draws of one recipe, a row's",
        "spread is chance: a difference between two recipes smaller than that says nothing.",
        "",
        f"| signal | {head} | spread |",
        "|---|" + "---:|" * (len(found) + 1),
    ]
    for row in rows:
        got = [values[d.label][row] for d in found]
        cells = " | ".join(f"{v:.2f}" for v in got)
        out.append(f"| {row} | {cells} | {max(got) - min(got):.2f} |")
    return "\n".join(out) + "\n"


def write(found: Sequence[Draw], out: Path, name: str = "seeds") -> list[Path]:
    """`name`.json and `name`.md in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    body = [{"label": d.label, "validation": d.validation, "figures": d.figures} for d in found]
    paths = [out / f"{name}.json", out / f"{name}.md"]
    paths[0].write_text(json.dumps(body, indent=2) + "\n")
    paths[1].write_text(markdown(found))
    return paths


def read(path: Path) -> list[Draw]:
    """The draws a `write` left in `path` (its .json)."""
    return [Draw(d["label"], d["validation"], d["figures"]) for d in json.loads(path.read_text())]
