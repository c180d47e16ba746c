"""The models the served one must beat, each with its own best preprocessing, and the ones it is
compared with: linear baselines over every word's n-grams (stopwords kept, as NBSVM keeps them),
the original project's CNN, a bidirectional GRU and the RCNN of Lai et al. 2015."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import keras
from gensim.models import Word2Vec
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from convert.data.prepare import SEED, Encoded, Prepared, word_encoder
from convert.evaluate.metrics import Scores
from convert.evaluate.timing import keras_ms_per_review
from convert.export.predict import keras_predict
from convert.train import embeddings, models, nblr
from convert.train.fit import Run, evaluate_once, log, train_keras
from handler.inference.text import ngrams, plain

RNN_VOCAB, RNN_SEQ_LEN, RNN_EPOCHS = 30_000, 400, 3
LINEAR_C = (0.1, 0.3, 1.0)


def _choose_c(
    name: str, make: Callable[[float], LogisticRegression], x_fit: Any, x_val: Any, data: Prepared
) -> tuple[float, LogisticRegression]:
    best: tuple[float, float, Any] = (-1.0, 0.0, None)
    for c in LINEAR_C:
        clf = make(c).fit(x_fit, data.fit.labels)
        acc = float(clf.score(x_val, data.val.labels))
        log(f"{name}: C={c} validation accuracy {acc:.4f}")
        best = max(best, (acc, c, clf), key=lambda b: b[0])
    return best[1], best[2]


def nb_lr_baseline(data: Prepared) -> Run:
    """NB-weighted logistic regression (Wang & Manning 2012) on binary 1-3-grams of every word."""
    start = time.perf_counter()
    vec = CountVectorizer(analyzer=lambda toks: ngrams(plain(toks), 3), min_df=3, binary=True)
    x_fit, x_val = vec.fit_transform(data.fit.tokens), vec.transform(data.val.tokens)
    scored = []
    for c in nblr.C_GRID:
        val = Scores.of(nblr.fit(x_fit, data.fit.labels, c).probabilities(x_val), data.val.labels)
        log(f"nb_lr: C={c} validation accuracy {val.accuracy:.4f}")
        scored.append((val.accuracy, c, val))
    _, c, val = max(scored, key=lambda s: s[0])
    run = Run(
        "nb_lr",
        {"ngram_range": [1, 3], "min_df": 3, "binary": True, "stopwords": "kept", "C": c},
        val=val,
        params=int(x_fit.shape[1]) + 1,
    )
    # Refit on all training reviews with the chosen C, as the served model is: a fair bar.
    full = data.fit + data.val
    x_full = vec.fit_transform(full.tokens)
    model = nblr.fit(x_full, full.labels, c)
    run.config["refit"] = "all 25,000 training reviews, with the C chosen on validation"
    run.seconds = time.perf_counter() - start
    evaluate_once(run, model.probabilities(vec.transform(data.test.tokens)), data.test)
    return run


def tfidf_baseline(data: Prepared) -> Run:
    """TF-IDF uni+bigram logistic regression over every word; C chosen on validation."""
    start = time.perf_counter()
    vec = TfidfVectorizer(analyzer=lambda toks: ngrams(plain(toks), 2), min_df=2, sublinear_tf=True)
    x_fit, x_val = vec.fit_transform(data.fit.tokens), vec.transform(data.val.tokens)
    c, clf = _choose_c(
        "tfidf_lr", lambda c: LogisticRegression(C=c * 16, max_iter=2000), x_fit, x_val, data
    )
    run = Run(
        "tfidf_lr",
        {
            "ngram_range": [1, 2],
            "min_df": 2,
            "sublinear_tf": True,
            "stopwords": "kept",
            "C": c * 16,
        },
        seconds=time.perf_counter() - start,
        params=int(x_fit.shape[1]) + 1,
    )
    run.val = Scores.of(clf.predict_proba(x_val)[:, 1], data.val.labels)
    evaluate_once(run, clf.predict_proba(vec.transform(data.test.tokens))[:, 1], data.test)
    return run


def compared_models(data: Prepared, w2v: Word2Vec) -> list[Run]:
    """The original CNN, the RNN and the RCNN, each trained, chosen on validation, tested once.

    The recurrent models start from the served model's word vectors (`w2v`), row by row of
    their own vocabulary.
    """
    runs = []
    enc = word_encoder(data, 5000, 400)
    fit, val, test = (Encoded.of(enc, s) for s in (data.fit, data.val, data.test))
    run, model = train_keras(
        "cnn_baseline",
        fit,
        val,
        enc.config,
        lambda: models.baseline_cnn(5000, 400, SEED),
        {"arch": "original project CNN", "vocab": 5000},
        epochs=6,
        batch_size=32,
    )
    evaluate_once(run, keras_predict(model, test.inputs), data.test)
    run.config["ms_per_review"] = keras_ms_per_review(model, enc, data.test.tokens)
    runs.append(run)
    # One encoding for both recurrent models: they share the encoder.
    enc = word_encoder(data, RNN_VOCAB, RNN_SEQ_LEN)
    emb_matrix, _ = embeddings.matrix(enc.words, w2v)
    fit, val, test = (Encoded.of(enc, s) for s in (data.fit, data.val, data.test))
    for name, build in (("rnn_bigru", models.rnn), ("rcnn", models.rcnn)):

        def make(build: Any = build) -> keras.Model:
            m = build(len(enc.words), RNN_SEQ_LEN, embed_dim=emb_matrix.shape[1], seed=SEED)
            m.layers[1].set_weights([emb_matrix])
            return m

        run, model = train_keras(
            name,
            fit,
            val,
            enc.config,
            make,
            {"vocab": RNN_VOCAB, "embeddings": "word2vec"},
            epochs=RNN_EPOCHS,
        )
        evaluate_once(run, keras_predict(model, test.inputs), data.test)
        run.config["ms_per_review"] = keras_ms_per_review(model, enc, data.test.tokens)
        runs.append(run)
    return runs
