"""The models the served one is compared with: a TF-IDF logistic regression, the original
project's CNN, a bidirectional GRU and the RCNN of Lai et al. 2015, all under the same protocol."""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from convert import models
from convert.export import Scores
from convert.timing import keras_ms_per_review
from convert.train import SEED, Prepared, Run, evaluate_once, log, train_keras, word_encoder
from handler.text import ngrams

RNN_VOCAB, RNN_SEQ_LEN, RNN_EPOCHS = 30_000, 400, 3


def tfidf_baseline(data: Prepared) -> Run:
    """TF-IDF uni+bigram logistic regression on the same tokens; C chosen on validation."""
    start = time.perf_counter()
    vec = TfidfVectorizer(analyzer=lambda toks: ngrams(toks, 2), min_df=2, sublinear_tf=True)
    x_fit, x_val = vec.fit_transform(data.fit.tokens), vec.transform(data.val.tokens)
    best: tuple[float, float, Any] = (-1.0, 0.0, None)
    for c in (1.0, 4.0, 16.0):
        clf = LogisticRegression(C=c, max_iter=2000).fit(x_fit, data.fit.labels)
        acc = float(clf.score(x_val, data.val.labels))
        log(f"tfidf-lr: C={c} validation accuracy {acc:.4f}")
        best = max(best, (acc, c, clf), key=lambda b: b[0])
    run = Run(
        "tfidf_lr",
        {"ngram_range": [1, 2], "min_df": 2, "sublinear_tf": True, "C": best[1]},
        seconds=time.perf_counter() - start,
        params=int(x_fit.shape[1]) + 1,
    )
    val_probs = best[2].predict_proba(x_val)[:, 1].astype(np.float32)
    run.val = Scores.of(val_probs, data.val.labels)
    run.test_probs = best[2].predict_proba(vec.transform(data.test.tokens))[:, 1].astype(np.float32)
    run.test = Scores.of(run.test_probs, data.test.labels)
    log(f"tfidf-lr: TEST accuracy {run.test.accuracy:.4f}")
    return run


def compared_models(data: Prepared, emb_matrix: np.ndarray) -> list[Run]:
    """The original CNN, the RNN and the RCNN, each trained, chosen on validation, tested once."""
    runs = []
    enc = word_encoder(data, 5000, 400)
    run, model = train_keras(
        "cnn_baseline",
        data,
        enc,
        lambda: models.baseline_cnn(5000, 400, SEED),
        {"arch": "original project CNN", "vocab": 5000},
        epochs=6,
        batch_size=32,
    )
    evaluate_once(run, model, enc, data)
    run.config["ms_per_review"] = keras_ms_per_review(model, enc, data.test.tokens)
    runs.append(run)
    enc = word_encoder(data, RNN_VOCAB, RNN_SEQ_LEN)
    for name, build in (("rnn_bigru", models.rnn), ("rcnn", models.rcnn)):

        def make(build: Any = build) -> keras.Model:
            m = build(RNN_VOCAB, RNN_SEQ_LEN, embed_dim=emb_matrix.shape[1], seed=SEED)
            m.layers[1].set_weights([emb_matrix[:RNN_VOCAB]])
            return m

        run, model = train_keras(
            name, data, enc, make, {"vocab": RNN_VOCAB, "embeddings": "word2vec"}, epochs=RNN_EPOCHS
        )
        evaluate_once(run, model, enc, data)
        run.config["ms_per_review"] = keras_ms_per_review(model, enc, data.test.tokens)
        runs.append(run)
    return runs
