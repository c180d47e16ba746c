"""Train every compared model under one protocol and keep the served one.

Protocol: the vocabularies and all weights come from the `fit` part of train; epochs (early
stopping), hyperparameters and the branch mix are chosen on the seeded validation split; each
final model meets the test set exactly once, in `evaluate_once`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import keras
import numpy as np
import numpy.typing as npt

from convert.data import Imdb, Review
from convert.export import Scores, feed, keras_predict
from handler.text import Encoder, TextConfig, Vocabulary, ngrams, tokenize

SEED = 7
Labels = npt.NDArray[np.int64]


@dataclass
class Split:
    tokens: list[list[str]]
    labels: Labels
    movies: list[str] = field(default_factory=list)  # one per review; the review id if unknown

    @classmethod
    def of(cls, reviews: Sequence[Review]) -> Split:
        return cls(
            [tokenize(r.text) for r in reviews],
            np.array([r.label for r in reviews], dtype=np.int64),
            [r.movie or r.id for r in reviews],
        )


@dataclass
class Prepared:
    fit: Split
    val: Split
    test: Split

    @staticmethod
    def tokens_of(reviews: Sequence[Review]) -> list[list[str]]:
        return [tokenize(r.text) for r in reviews]

    @classmethod
    def of(cls, imdb: Imdb) -> Prepared:
        fit, val = imdb.split_validation()
        return cls(Split.of(fit), Split.of(val), Split.of(imdb.test))


@dataclass
class Run:
    """One trained model: its recorded configuration, curves and scores."""

    name: str
    config: dict[str, Any]
    history: dict[str, list[float]] = field(default_factory=dict)
    val: Scores | None = None
    test: Scores | None = None
    seconds: float = 0.0
    params: int = 0
    test_probs: npt.NDArray[np.float32] | None = None

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "test_probs"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def ngram_vocabulary(
    token_lists: Sequence[Sequence[str]],
    order: int,
    max_size: int,
    min_df: int = 2,
    groups: Sequence[str] | None = None,
) -> Vocabulary:
    """Rank n-grams by document frequency (features are binary), ties alphabetical.

    With `groups` (each review's movie), frequency counts distinct movies instead of reviews:
    an n-gram seen in many reviews of one film is mostly its title or cast, which says nothing
    about the unseen films of the test set (+0.6 validation points for the n-gram branch).
    """
    keys = groups if groups is not None else range(len(token_lists))
    seen: dict[str, set[object]] = defaultdict(set)
    for tokens, key in zip(token_lists, keys, strict=True):
        for gram in set(ngrams(tokens, order)):
            seen[gram].add(key)
    df = {g: len(k) for g, k in seen.items() if len(k) >= min_df}
    ranked = sorted(df, key=lambda g: (-df[g], g))
    return Vocabulary(ranked[: max_size - 2])


def fit_keras(
    model: keras.Model,
    x_fit: Any,
    y_fit: Labels,
    x_val: Any,
    y_val: Labels,
    epochs: int,
    batch_size: int,
    patience: int = 2,
) -> dict[str, list[float]]:
    """Early stopping on validation accuracy; the best epoch's weights are kept."""
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=patience, restore_best_weights=True
    )
    hist = model.fit(
        x_fit,
        y_fit,
        validation_data=(x_val, y_val),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[stop],
        verbose=2,
    )
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}


def train_keras(
    name: str,
    data: Prepared,
    encoder: Encoder,
    build: Callable[[], keras.Model],
    config: dict[str, Any],
    epochs: int,
    batch_size: int = 128,
) -> tuple[Run, keras.Model]:
    log(f"{name}: encoding with {asdict(encoder.config)}")
    x_fit, x_val = encoder.encode_tokens(data.fit.tokens), encoder.encode_tokens(data.val.tokens)
    model = build()
    start = time.perf_counter()
    history = fit_keras(
        model,
        feed(model, x_fit),
        data.fit.labels,
        feed(model, x_val),
        data.val.labels,
        epochs,
        batch_size,
    )
    run = Run(
        name,
        {**config, "text": asdict(encoder.config), "epochs_max": epochs, "batch_size": batch_size},
        history,
        seconds=time.perf_counter() - start,
        params=int(model.count_params()),
    )
    run.val = Scores.of(keras_predict(model, x_val), data.val.labels)
    log(f"{name}: validation accuracy {run.val.accuracy:.4f} in {run.seconds:.0f}s")
    return run, model


def evaluate_once(run: Run, model: keras.Model, encoder: Encoder, data: Prepared) -> None:
    """The single look at the test set for this final model."""
    assert run.test is None, f"{run.name} was already evaluated on test"
    run.test_probs = keras_predict(model, encoder.encode_tokens(data.test.tokens))
    run.test = Scores.of(run.test_probs, data.test.labels)
    log(f"{run.name}: TEST accuracy {run.test.accuracy:.4f}, macro F1 {run.test.macro_f1:.4f}")


def word_encoder(data: Prepared, vocab_size: int, seq_len: int) -> Encoder:
    return Encoder(TextConfig(seq_len=seq_len), Vocabulary.build(data.fit.tokens, vocab_size))
