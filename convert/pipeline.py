"""`python -m convert train`: every model of reports/results.md, then the served model's export.

Stages run in order and print progress: baselines, word vectors, the served model (trained,
mixed, calibrated, exported, judged through the service's predictor), then the compared
recurrent and convolutional models.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
from gensim.models import Word2Vec

from convert.data import lexicons
from convert.data.imdb import Imdb, Review, load_sentences
from convert.data.prepare import SEED, Encoded, Prepared, Spans, Split, spans
from convert.evaluate import unlabelled as unlabelled_measure
from convert.evaluate.metrics import predicted
from convert.evaluate.shipped import evaluate
from convert.evaluate.timing import tflite_ms_per_review
from convert.export.artifacts import with_metrics
from convert.export.evidence import write_keras_test_probs
from convert.export.served import export as export_served
from convert.train import counterfactuals, embeddings, served
from convert.train.baselines import compared_models, nb_lr_baseline, tfidf_baseline
from convert.train.fit import Run, evaluate_once, log
from convert.train.served import ServedConfig, Trained
from handler import constants
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.features import featurize, sentence_source
from handler.inference.manifest import Manifest
from handler.inference.predictor import LitePredictor
from handler.inference.text import words


@dataclass(frozen=True)
class Paths:
    model_dir: Path
    keras_model: Path
    float_model: Path
    keras_test_probs: Path
    results: Path
    sentences: Path


@dataclass
class Inputs:
    """What every model is trained and judged on, made once from the dataset."""

    data: Prepared
    spans: Spans
    aliases: dict[str, str]  # names and places the reviews write as proper nouns -> placeholders
    sentences: dict[str, Split]
    # Generated from the fit reviews' sentences (convert.train.counterfactuals).
    counterfactual: Split
    # A sample of the unlabelled reviews, whose sentences the refit is self-taught on.
    unlabelled: list[Review]


def run_all(
    imdb: Imdb, paths: Paths, with_compared: bool = True, s: ServedConfig = served.SERVED
) -> dict[str, Any]:
    """Everything behind reports/results.md; writes results.json for the report renderer.

    `s` is read here and handed to every stage, so a trial run changes the settings in one place.
    """
    started = time.perf_counter()
    keras.utils.set_random_seed(SEED)
    inputs = _inputs(imdb, paths.sentences, s)
    data = inputs.data
    runs: dict[str, Run] = {}
    for run in (nb_lr_baseline(data), tfidf_baseline(data)):
        runs[run.name] = run
    encoder, emb_matrix, w2v_info, vectors = _word_vectors(imdb, inputs, s)
    trained, manifest, probs = _served(Ready.of(inputs, encoder, emb_matrix), paths, s)
    for run in trained.runs:
        runs[run.name] = run
    evaluation = _evaluation(inputs, runs, manifest, paths.model_dir)
    # Written once, with the evaluation in it: the export left the manifest to this point.
    manifest = with_metrics(manifest, evaluation=_manifest_part(evaluation))
    manifest.write(paths.model_dir / constants.MANIFEST_FILE)
    extra = {
        "manifest": manifest.to_json(),
        "evaluation": evaluation,
        "confusion_int8": confusion(probs["int8"], data.test.labels),
        "word2vec": w2v_info,
        "train_seconds": time.perf_counter() - started,
    }
    _write_results(paths.results, runs, extra)
    if with_compared:
        for run in compared_models(data, vectors):
            runs[run.name] = run
        extra["train_seconds"] = time.perf_counter() - started
        _write_results(paths.results, runs, extra)
    return extra


def _inputs(imdb: Imdb, sentences: Path, s: ServedConfig) -> Inputs:
    """Splits, spans (weak-labelled lexicon examples among them), aliases and sentence sets."""
    fit_reviews, val_reviews = imdb.split_validation()  # once: the spans need the reviews too
    data = Prepared.of(fit_reviews, val_reviews, imdb.test)
    fit_spans = spans(fit_reviews, s.spans_per_review)
    if s.lexicon:
        texts, labels = lexicons.lexicon_examples()
        fit_spans = fit_spans + Split(texts, np.array(labels, np.int64), ["lexicon"] * len(labels))
    span_data = Spans(fit_spans, spans(val_reviews, 1, seed=SEED + 1))
    aliases = lexicons.proper_nouns([r.text for r in fit_reviews], lexicons.name_candidates())
    sentence_sets = {
        name: Split.of_texts(texts, labels)
        for name, (texts, labels) in load_sentences(sentences).items()
    }
    counterfactual = counterfactuals.Generator(fit_reviews, SEED).all(
        s.counterfactuals, aliases, s.antonyms, s.antonym_negations, s.antonym_share
    )
    unlabelled = []
    if s.self_taught:
        # Sorted: the archive's order depends on how it was read (a tarball or a folder). The
        # reviews the unlabelled measures read (`convert unlabelled`, `convert evidence-free`,
        # the seeds report) are left out, so a recipe is not measured on what it trained on.
        kept_out = {r.id for r in unlabelled_measure.measured(imdb.unsup)}
        unsup = sorted((r for r in imdb.unsup if r.id not in kept_out), key=lambda r: r.id)
        wanted = min(s.unlabelled_reviews, len(unsup))
        unlabelled = random.Random(SEED).sample(unsup, wanted)
    log(
        f"data: fit {len(data.fit)}, validation {len(data.val)}, test {len(data.test)}, "
        f"spans {len(span_data.fit)} + {len(span_data.val)}, {len(aliases):,} names and places, "
        f"{len(counterfactual):,} counterfactuals"
    )
    return Inputs(data, span_data, aliases, sentence_sets, counterfactual, unlabelled)


def _word_vectors(
    imdb: Imdb, inputs: Inputs, s: ServedConfig
) -> tuple[Encoder, npt.NDArray[np.float32], dict[str, Any], Word2Vec]:
    """The served encoder, its word2vec embedding rows, how many vectors cover it, and the
    vectors (the compared recurrent models start from them too)."""
    data = inputs.data
    unsup = [words(r.text) for r in imdb.unsup]  # vectors need no sentences
    config = served.text_config(s)
    # Every token the sentence branch reads (placeholders in), so its rows all have vectors.
    w2v = embeddings.pretrain(
        [
            sentence_source(featurize(t, config, inputs.aliases))
            for t in (*data.fit.tokens, *data.val.tokens, *unsup)
        ]
    )
    del unsup
    encoder = served.build_encoder(data, inputs.aliases, s)
    emb_matrix, coverage = embeddings.matrix(encoder.words, w2v)
    log(f"word2vec: {len(w2v.wv):,} vectors, {coverage:.1%} of the served vocabulary covered")
    return encoder, emb_matrix, {"vectors": len(w2v.wv), "coverage": coverage}, w2v


def _served(
    ready: Ready, paths: Paths, s: ServedConfig
) -> tuple[Trained, Manifest, dict[str, npt.NDArray[np.float64]]]:
    """Train, mix and export the served model; its one test-set look is the int8 file's."""
    data = ready.inputs.data
    test = Encoded.of(ready.encoder, data.test, known=True)
    trained, head = _trained(ready, s)
    manifest, probs = export_served(
        trained,
        ready.encoder,
        ready.fit,
        ready.val,
        test,
        head,
        paths.model_dir,
        paths.keras_model,
        paths.float_model,
    )
    del test
    write_keras_test_probs(probs["keras"], paths.keras_test_probs)
    evaluate_once(trained.runs[-1], probs["int8"].astype(np.float32), data.test)
    return trained, manifest, probs


@dataclass
class Ready:
    """What a training of the served recipe reads, made once: a draw's seeds change none of it,
    so `python -m convert seeds` prepares it once for all its draws."""

    inputs: Inputs
    encoder: Encoder
    emb_matrix: npt.NDArray[np.float32]
    fit: Encoded
    val: Encoded

    @classmethod
    def of(cls, inputs: Inputs, encoder: Encoder, emb_matrix: npt.NDArray[np.float32]) -> Ready:
        # Each split through the served encoder once; every training step reads these arrays.
        data = inputs.data
        return cls(
            inputs,
            encoder,
            emb_matrix,
            Encoded.of(encoder, data.fit),
            Encoded.of(encoder, data.val),
        )


def ready_to_train(imdb: Imdb, sentences: Path, s: ServedConfig) -> Ready:
    """The inputs, word vectors and encoded splits `run_all` trains the served model on."""
    inputs = _inputs(imdb, sentences, s)
    encoder, emb_matrix, _, _ = _word_vectors(imdb, inputs, s)
    return Ready.of(inputs, encoder, emb_matrix)


def train_served(ready: Ready, s: ServedConfig) -> tuple[Trained, Head, Encoder]:
    """The served model trained and its head fitted as `run_all` does, with no export and no
    look at the test set. `ready` must have been made with `s`, its seed shift apart."""
    trained, head = _trained(ready, s)
    return trained, head, ready.encoder


def _trained(ready: Ready, s: ServedConfig) -> tuple[Trained, Head]:
    inputs, encoder = ready.inputs, ready.encoder
    # The short-text head is fitted on the Amazon and Yelp sentences; IMDb's are test data.
    dev_short = Encoded.of(encoder, inputs.sentences["amazon"] + inputs.sentences["yelp"])
    trained = served.train(
        ready.fit,
        ready.val,
        inputs.spans,
        ready.emb_matrix,
        encoder,
        inputs.counterfactual,
        dev_short,
        inputs.unlabelled,
        s,
    )
    head = served.with_short_head(trained.model, trained.head, dev_short)
    log(f"head: {head}")
    return trained, head


def _evaluation(
    inputs: Inputs, runs: dict[str, Run], manifest: Manifest, model_dir: Path
) -> dict[str, Any]:
    """The written model and vocabulary judged through the service's predictor, and their speed.

    The predictor is built on the manifest in hand, which is written only after this.
    """
    data = inputs.data
    baseline = runs["nb_lr"].test_probs
    assert baseline is not None
    encoder = Encoder.load(manifest.file_path(model_dir, "vocab"))
    predictor = LitePredictor(
        manifest, encoder, manifest.file_path(model_dir, "model").read_bytes()
    )
    evaluation = evaluate(
        predictor,
        data.test,
        inputs.sentences,
        data.val,
        {"NB-LR baseline": baseline},
    )
    evaluation["ms_per_review"] = {
        "int8_single": tflite_ms_per_review(
            manifest.file_path(model_dir, "model"),
            encoder,
            data.test.tokens,
            data.test.sentence_lengths(),
        ),
    }
    return evaluation


def _manifest_part(evaluation: dict[str, Any]) -> dict[str, Any]:
    """The headline figures the service publishes at /v1/model (no reliability tables)."""
    sentences = {
        name: {k: v for k, v in s.items() if k != "reliability"}
        for name, s in evaluation["sentences"].items()
    }
    test = {k: v for k, v in evaluation["test"].items() if k != "reliability"}
    return {
        "test": test,
        "sentences": sentences,
        "distinct_probabilities": evaluation["distinct_probabilities"],
        "faithfulness": evaluation["faithfulness"],
    }


def _write_results(path: Path, runs: dict[str, Run], extra: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"runs": {name: r.summary() for name, r in runs.items()}, **extra}
    path.write_text(json.dumps(body, indent=2, default=str) + "\n")
    log(f"wrote {path}")


def confusion(probs: np.ndarray, labels: np.ndarray) -> list[list[int]]:
    """Rows: true negative/positive; columns: predicted negative/positive."""
    pred = predicted(probs)
    return [[int(np.sum((labels == t) & (pred == p))) for p in (0, 1)] for t in (0, 1)]
