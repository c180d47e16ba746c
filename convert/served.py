"""The served model: its configuration, its training, its calibration and its export.

A CNN over word2vec-initialised content words and a naive-Bayes-initialised logistic regression
over 1-3-grams of every word, each trained on whole reviews and on short spans cut from them,
their logits mixed by 3 weights fitted on validation, then refit on all training reviews.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize_scalar

from convert import embeddings, models, nblr
from convert.export import Checked, export_and_check, keras_predict, sample
from convert.metrics import Labels, Scores
from convert.prepare import SEED, Prepared, Split, ngram_vocabulary
from convert.train import VERBOSE, Part, Run, best_epoch, dataset, fit_keras, log, train_keras
from handler.calibration import Calibration
from handler.text import Encoder, TextConfig, Vocabulary

CALIBRATION_SAMPLES = 500
ARCHITECTURE = "cnn-ngram-spans"


@dataclass(frozen=True)
class ServedConfig:
    """The served model's settings, chosen on the validation split (reports/results.md)."""

    word_vocab: int = 30_000
    seq_len: int = 400
    embed_dim: int = embeddings.DIM
    filters: int = 128
    widths: tuple[int, ...] = (3, 4, 5)
    ngram_order: int = 3
    ngram_vocab: int = 300_000
    ngram_min_df: int = 3  # distinct movies, not reviews (see ngram_vocabulary)
    ngram_len: int = 1500
    cnn_epochs: int = 6
    # Short spans: 1-2 sentences of a review, labelled as the review, weighted below it.
    spans_per_review: int = 2
    span_weight: float = 0.25
    span_seq_len: int = 64
    span_ngram_len: int = 256
    # Texts with fewer known words than this get their own temperature.
    short_words: int = 20
    refit: bool = True


SERVED = ServedConfig()


def build_encoder(data: Prepared, s: ServedConfig = SERVED) -> Encoder:
    """Word vocabulary over content words, n-gram vocabulary over every word, both from fit."""
    return Encoder(
        TextConfig(
            seq_len=s.seq_len,
            ngram_len=s.ngram_len,
            ngram_order=s.ngram_order,
            ngram_stopwords=True,
        ),
        Vocabulary.build(data.fit.content_tokens(), s.word_vocab),
        ngram_vocabulary(
            data.fit.tokens, s.ngram_order, s.ngram_vocab, s.ngram_min_df, groups=data.fit.movies
        ),
    )


def _span_inputs(encoder: Encoder, spans: Split, s: ServedConfig) -> dict[str, Any]:
    short = Encoder(
        replace(encoder.config, seq_len=s.span_seq_len, ngram_len=s.span_ngram_len),
        encoder.words,
        encoder.grams,
    )
    return short.encode_words(spans.tokens)


def _temperature(logits: npt.NDArray[np.floating], labels: Labels) -> float:
    """The T that minimises the log loss of sigmoid(logit / T) on held-out examples."""
    z = np.asarray(logits, np.float64)
    y = np.asarray(labels, np.float64)

    def loss(t: float) -> float:
        p = np.clip(1.0 / (1.0 + np.exp(-z / t)), 1e-7, 1 - 1e-7)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


@dataclass
class Trained:
    runs: list[Run]
    model: keras.Model  # the export graph: partial logits out
    long_temperature: float


def train(
    data: Prepared,
    spans: Prepared,
    emb_matrix: npt.NDArray[np.float32],
    encoder: Encoder,
    s: ServedConfig = SERVED,
) -> Trained:
    """Train both branches with early stopping, mix on validation, refit on all of train."""
    fit_spans = _span_inputs(encoder, spans.fit, s)

    def cnn() -> keras.Model:
        m = models.cnn_branch(len(encoder.words), s.embed_dim, s.filters, s.widths, seed=SEED)
        m.get_layer("word_embedding").set_weights([emb_matrix])
        return m

    size = len(encoder.grams or ())

    def ngram(
        reviews: Split, span_split: Split, span_ids: Any, c: float
    ) -> tuple[keras.Model, nblr.NbLr]:
        x = sparse.vstack(
            [
                nblr.binary_matrix(encoder.encode_words(reviews.tokens)["ngrams"], size),
                nblr.binary_matrix(span_ids, size),
            ]
        ).tocsr()
        y = np.concatenate([reviews.labels, span_split.labels])
        w = np.concatenate([np.ones(len(reviews)), np.full(len(span_split), s.span_weight)])
        nb = nblr.fit(x, y, c, ratio_rows=len(reviews), sample_weight=w)
        return models.ngram_branch(nblr.keras_table(nb), nb.bias), nb

    span_config = {"spans_per_review": s.spans_per_review, "span_weight": s.span_weight}
    cnn_run, cnn_model = train_keras(
        "served_cnn_branch",
        data,
        encoder,
        cnn,
        {"embeddings": "word2vec", **span_config},
        epochs=s.cnn_epochs,
        extra=[Part(fit_spans["words"], spans.fit.labels, s.span_weight)],
    )
    x_val = encoder.encode_words(data.val.tokens)
    start = time.perf_counter()
    x_val_grams = nblr.binary_matrix(x_val["ngrams"], size)
    tried = []
    for c in nblr.C_GRID:
        branch, nb = ngram(data.fit, spans.fit, fit_spans["ngrams"], c)
        val = Scores.of(nb.probabilities(x_val_grams), data.val.labels)
        log(f"served_ngram_branch: C={c} validation accuracy {val.accuracy:.4f}")
        tried.append((val.accuracy, c, val, branch))
    _, ngram_c, ngram_val, ngram_model = max(tried, key=lambda t: t[0])
    ngram_run = Run(
        "served_ngram_branch",
        {
            "model": "NB-weighted logistic regression",
            "stopwords": "kept",
            "C": ngram_c,
            **span_config,
        },
        val=ngram_val,
        seconds=time.perf_counter() - start,
        params=size + 1,
    )
    model = models.combine(cnn_model, ngram_model)
    val_spans = _span_inputs(encoder, spans.val, s)
    # Only the 3 mixing parameters see the validation labels, from reviews and spans alike.
    fit_keras(
        model,
        [Part(x_val, data.val.labels), Part(val_spans, spans.val.labels, s.span_weight)],
        x_val,
        data.val.labels,
        epochs=10,
        batch_size=256,
        patience=10,
    )
    mix_weights = model.get_layer("mix").get_weights()
    mix = Run(
        "served_cnn_ngram",
        {**asdict(s), "mix": "3 parameters fitted on the validation reviews and spans"},
    )
    export = models.for_export(model, s.seq_len, s.ngram_len)
    val_logits = keras_predict(export, x_val)
    mix.val = Scores.of(1.0 / (1.0 + np.exp(-val_logits)), data.val.labels)
    long_t = _temperature(val_logits, data.val.labels)
    log(f"served: mixed validation accuracy {mix.val.accuracy:.4f}, temperature {long_t:.3f}")
    if s.refit:
        epochs = best_epoch(cnn_run)
        start = time.perf_counter()
        full, full_spans = data.fit + data.val, spans.fit + spans.val
        x_full, x_full_spans = (
            encoder.encode_words(full.tokens),
            _span_inputs(encoder, full_spans, s),
        )
        cnn_model = cnn()
        _fit_for(cnn_model, x_full["words"], full, x_full_spans["words"], full_spans, s, epochs)
        ngram_model, _ = ngram(full, full_spans, x_full_spans["ngrams"], ngram_c)
        model = models.combine(cnn_model, ngram_model)
        model.get_layer("mix").set_weights(mix_weights)
        export = models.for_export(model, s.seq_len, s.ngram_len)
        mix.config["refit"] = (
            f"both branches retrained on all training reviews: the CNN for {epochs} epochs, "
            f"the n-gram regression with C={ngram_c}"
        )
        log(f"served: refit on {len(full)} reviews in {time.perf_counter() - start:.0f}s")
    mix.seconds = cnn_run.seconds + ngram_run.seconds
    mix.params = int(export.count_params())
    return Trained([cnn_run, ngram_run, mix], export, long_t)


def _fit_for(
    model: keras.Model,
    x: Any,
    reviews: Split,
    x_spans: Any,
    span_split: Split,
    s: ServedConfig,
    epochs: int,
    batch_size: int = 128,
) -> None:
    parts = [Part(x, reviews.labels), Part(x_spans, span_split.labels, s.span_weight)]
    batches, steps = dataset(parts, batch_size, SEED)
    model.fit(batches, steps_per_epoch=steps, epochs=epochs, shuffle=False, verbose=VERBOSE)


def calibration_for(
    trained: Trained, encoder: Encoder, short: Split, s: ServedConfig = SERVED
) -> Calibration:
    """Long texts: the temperature fitted on validation reviews. Short texts: fitted on `short`
    (the Amazon and Yelp sentences, which share nothing with IMDb)."""
    logits = keras_predict(trained.model, encoder.encode_words(short.tokens))
    return Calibration(
        temperature=round(trained.long_temperature, 4),
        short_temperature=round(_temperature(logits, short.labels), 4),
        short_words=s.short_words,
    )


def known_counts(encoder: Encoder, split: Split) -> npt.NDArray[np.int64]:
    return np.array([len(encoder.known_words(t)) for t in split.tokens], dtype=np.int64)


def export(
    trained: Trained,
    encoder: Encoder,
    data: Prepared,
    calibration: Calibration,
    model_dir: Path,
    keras_path: Path,
    float_path: Path,
) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.float64]]]:
    """The one test-set look for the served model: Keras, float TFLite and int8 side by side."""
    manifest, probs = export_and_check(
        trained.model,
        encoder,
        calibration_rows=sample(encoder.encode_words(data.fit.tokens), CALIBRATION_SAMPLES, SEED),
        checked=Checked(
            "test (25,000 reviews)",
            encoder.encode_words(data.test.tokens),
            data.test.labels,
            known_counts(encoder, data.test),
        ),
        calibration=calibration,
        model_dir=model_dir,
        keras_path=keras_path,
        float_path=float_path,
        architecture=ARCHITECTURE,
        training={
            "runs": {r.name: r.config for r in trained.runs},
            "seed": SEED,
            "fit_reviews": len(data.fit),
            "validation_reviews": len(data.val),
        },
    )
    for name, p in probs.items():
        log(f"export: TEST {name} accuracy {Scores.of(p, data.test.labels).accuracy:.4f}")
    return manifest, probs
