"""`python -m convert train`: every model of reports/results.md, then the served model's export.

Stages run in order and print progress; the whole run takes about 25 minutes on two CPU cores.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from convert import embeddings, models
from convert.baselines import compared_models, tfidf_baseline
from convert.data import Imdb
from convert.export import (
    CALIBRATION_SAMPLES,
    Scores,
    agreement,
    keras_predict,
    sample,
    tflite_predict,
    to_tflite,
    write_artifacts,
)
from convert.timing import keras_ms_per_review, tflite_ms_per_review
from convert.train import (
    SEED,
    Prepared,
    Run,
    Split,
    log,
    ngram_vocabulary,
    train_keras,
    word_encoder,
)
from handler.text import Encoder, TextConfig


@dataclass(frozen=True)
class ServedConfig:
    """The served model's settings, chosen on the validation split (reports/results.md)."""

    word_vocab: int = 30_000
    seq_len: int = 400
    embed_dim: int = embeddings.DIM
    filters: int = 128
    widths: tuple[int, ...] = (3, 4, 5)
    ngram_order: int = 3
    ngram_vocab: int = 800_000
    ngram_min_df: int = 3  # distinct movies, not reviews (see ngram_vocabulary)
    ngram_len: int = 1000
    cnn_epochs: int = 8
    ngram_epochs: int = 20


SERVED = ServedConfig()


def served_model(
    data: Prepared, emb_matrix: np.ndarray, encoder: Encoder
) -> tuple[list[Run], keras.Model]:
    """Choose on validation, then refit on all 25,000 training reviews.

    The CNN and n-gram branches are trained apart with early stopping, their logits mixed by
    3 weights fitted on validation; then both branches are retrained on fit + validation for
    their chosen number of epochs and joined with the same mixing weights.
    """
    s = SERVED

    def cnn() -> keras.Model:
        m = models.cnn_branch(
            len(encoder.words), s.seq_len, s.embed_dim, s.filters, s.widths, seed=SEED
        )
        m.get_layer("word_embedding").set_weights([emb_matrix])
        return m

    def ngram(split: Split) -> keras.Model:
        ids = encoder.encode_tokens(split.tokens)["ngrams"]
        ratios = models.nb_log_count_ratios(ids, split.labels, len(encoder.grams or ()))
        return models.ngram_branch(ratios, s.ngram_len, seed=SEED)

    cnn_run, cnn_model = train_keras(
        "served_cnn_branch", data, encoder, cnn, {"embeddings": "word2vec"}, epochs=s.cnn_epochs
    )
    ngram_run, ngram_model = train_keras(
        "served_ngram_branch",
        data,
        encoder,
        lambda: ngram(data.fit),
        {"init": "naive-Bayes log-count ratios"},
        epochs=s.ngram_epochs,
        batch_size=64,
    )
    model = models.combine(cnn_model, ngram_model)
    x_val = encoder.encode_tokens(data.val.tokens)
    # Only the 3 mixing parameters see the validation labels; early stopping is not needed.
    model.fit(x_val, data.val.labels, epochs=20, batch_size=256, verbose=0)
    mix_weights = model.get_layer("mix").get_weights()
    epochs = {"cnn": best_epoch(cnn_run), "ngram": best_epoch(ngram_run)}
    mix = Run(
        "served_cnn_ngram",
        {
            **asdict(s),
            "mix": "3 parameters fitted on the validation split",
            "refit": f"both branches retrained on all training reviews for {epochs} epochs",
        },
        params=int(model.count_params()),
    )
    mix.val = Scores.of(keras_predict(model, x_val), data.val.labels)
    log(f"served: mixed validation accuracy {mix.val.accuracy:.4f} (mix fitted on validation)")

    full = Split(
        data.fit.tokens + data.val.tokens, np.concatenate([data.fit.labels, data.val.labels])
    )
    x_full = encoder.encode_tokens(full.tokens)
    start = time.perf_counter()
    cnn_model = cnn()
    cnn_model.fit(x_full["words"], full.labels, epochs=epochs["cnn"], batch_size=128, verbose=2)
    ngram_model = ngram(full)
    ngram_model.fit(x_full["ngrams"], full.labels, epochs=epochs["ngram"], batch_size=64, verbose=2)
    model = models.combine(cnn_model, ngram_model)
    model.get_layer("mix").set_weights(mix_weights)
    mix.seconds = cnn_run.seconds + ngram_run.seconds + time.perf_counter() - start
    log(f"served: refit on {len(full.labels)} reviews in {time.perf_counter() - start:.0f}s")
    return [cnn_run, ngram_run, mix], model


def best_epoch(run: Run) -> int:
    """The epoch early stopping kept (1-based)."""
    acc = run.history["val_accuracy"]
    return int(np.argmax(acc)) + 1


def export_served(
    model: keras.Model,
    encoder: Encoder,
    data: Prepared,
    runs: list[Run],
    model_dir: Path,
    keras_path: Path,
) -> dict[str, Any]:
    """The one test-set look for the served model: Keras, float TFLite and int8 side by side.

    What ships, the Keras file included, is `models.for_export(model)`: the same function laid
    out for int8, so the parity checks compare like with like.
    """
    model = models.for_export(model)
    x_fit = encoder.encode_tokens(data.fit.tokens)
    x_test = encoder.encode_tokens(data.test.tokens)
    float_model = to_tflite(model)
    int8_model = to_tflite(model, sample(x_fit, CALIBRATION_SAMPLES, SEED))
    log(f"export: float {len(float_model):,} B, int8 {len(int8_model):,} B")
    probs = {
        "keras": keras_predict(model, x_test),
        "float_tflite": tflite_predict(float_model, x_test),
        "int8": tflite_predict(int8_model, x_test),
    }
    served = runs[-1]
    served.test_probs, served.test = probs["int8"], Scores.of(probs["int8"], data.test.labels)
    keras_path.parent.mkdir(parents=True, exist_ok=True)
    model.save(keras_path)
    (keras_path.parent / "sentiment_float.tflite").write_bytes(float_model)
    metrics = {
        "split": "test (25,000 reviews)",
        "scores": {k: asdict(Scores.of(p, data.test.labels)) for k, p in probs.items()},
        "agreement_with_keras": {
            k: agreement(probs["keras"], probs[k]) for k in ("float_tflite", "int8")
        },
        "validation": asdict(served.val) if served.val else None,
        "ms_per_review": {
            "keras_batch256": keras_ms_per_review(model, encoder, data.test.tokens),
            "float_tflite_single": tflite_ms_per_review(float_model, encoder, data.test.tokens),
            "int8_single": tflite_ms_per_review(int8_model, encoder, data.test.tokens),
        },
    }
    for name, p in probs.items():
        log(f"export: TEST {name} accuracy {Scores.of(p, data.test.labels).accuracy:.4f}")
    return write_artifacts(
        model_dir,
        int8_model=int8_model,
        encoder=encoder,
        architecture="cnn-ngram",
        metrics=metrics,
        training={
            "runs": {r.name: r.config for r in runs},
            "seed": SEED,
            "fit_reviews": len(data.fit.labels),
            "validation_reviews": len(data.val.labels),
        },
        sizes={
            "keras_file": keras_path.stat().st_size,
            "keras_params": int(model.count_params()),
            "float_tflite": len(float_model),
            "int8_tflite": len(int8_model),
        },
    )


def run_all(
    imdb: Imdb, model_dir: Path, keras_path: Path, results_path: Path, with_compared: bool = True
) -> None:
    """Everything behind reports/results.md; writes results.json for the report renderer."""
    keras.utils.set_random_seed(SEED)
    data = Prepared.of(imdb)
    log(
        f"data: fit {len(data.fit.labels)}, validation {len(data.val.labels)}, test {len(data.test.labels)}"
    )
    unsup = Prepared.tokens_of(imdb.unsup)
    w2v = embeddings.pretrain([*data.fit.tokens, *data.val.tokens, *unsup])
    encoder = Encoder(
        TextConfig(
            seq_len=SERVED.seq_len,
            ngram_len=SERVED.ngram_len,
            ngram_order=SERVED.ngram_order,
        ),
        word_encoder(data, SERVED.word_vocab, SERVED.seq_len).words,
        ngram_vocabulary(
            data.fit.tokens,
            SERVED.ngram_order,
            SERVED.ngram_vocab,
            SERVED.ngram_min_df,
            groups=data.fit.movies,
        ),
    )
    emb_matrix, coverage = embeddings.matrix(encoder.words, w2v)
    log(f"word2vec: {len(w2v.wv):,} vectors, {coverage:.1%} of the served vocabulary covered")
    # The served model first, so the handler's artifacts exist before the slow recurrent runs.
    served_runs, model = served_model(data, emb_matrix, encoder)
    manifest = export_served(model, encoder, data, served_runs, model_dir, keras_path)
    runs = [tfidf_baseline(data), *served_runs]
    extra = {
        "manifest": manifest,
        "confusion_int8": confusion(served_runs[-1].test_probs, data.test.labels),
        "word2vec": {"vectors": len(w2v.wv), "coverage": coverage},
    }
    _write_results(results_path, runs, extra)
    if with_compared:
        runs[1:1] = compared_models(data, emb_matrix)
        _write_results(results_path, runs, extra)


def _write_results(path: Path, runs: list[Run], extra: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"runs": [r.summary() for r in runs], **extra}, indent=2, default=str) + "\n"
    )
    log(f"wrote {path}")


def confusion(probs: np.ndarray | None, labels: np.ndarray) -> list[list[int]]:
    """Rows: true negative/positive; columns: predicted negative/positive."""
    assert probs is not None
    pred = (probs >= 0.5).astype(int)
    return [[int(np.sum((labels == t) & (pred == p))) for p in (0, 1)] for t in (0, 1)]
