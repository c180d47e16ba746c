"""The served model: its configuration, its training and its calibration (`convert.export.served`
exports it).

A sentence CNN (`convert.train.sentence_cnn`: every token of each sentence in order, word2vec
rows to start, attention over the sentences' scores) and a naive-Bayes-weighted logistic
regression over 1-3-grams of every word. Both train on whole reviews and on short spans cut from
them; the CNN also on counterfactuals of real training sentences (`convert.train.counterfactuals`).
The graph ends in the two branch logits; a head of two weights and a bias per length class
mixes and calibrates them in float (`handler.inference.calibration`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from convert.data.imdb import Review
from convert.data.lexicons import vader_lexicon
from convert.data.prepare import SEED, Encoded, Prepared, Spans, Split, ngram_vocabulary
from convert.evaluate.metrics import Labels, Scores
from convert.export.predict import keras_outputs, keras_predict
from convert.train import counterfactuals, embeddings, models, nblr, self_training, sentence_cnn
from convert.train.fit import VERBOSE, Part, Run, best_epoch, dataset, log, train_keras
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig, featurize, ngram_source, sentence_source
from handler.inference.spelling import correctable

HEAD_C = 1e4


@dataclass(frozen=True)
class ServedConfig:
    """The served model's settings, chosen on the validation split (reports/results.md)."""

    word_vocab: int = 40_000  # every token: function words, punctuation and placeholders too
    seq_len: int = 400  # unused by the sentence branch; kept as the config's default
    # The sentence branch reads up to `sentences` rows of `sentence_len` tokens: 1,024 tokens,
    # 97% of training reviews whole (median 10 sentences of 18 tokens).
    sentences: int = 32
    sentence_len: int = 32
    span_sentences: int = 4  # rows for the spans and counterfactuals: 1-2 sentences each
    embed_dim: int = embeddings.DIM
    filters: int = 96
    ngram_order: int = 3
    ngram_vocab: int = 300_000
    ngram_min_df: int = 3  # distinct movies, not reviews (see ngram_vocabulary)
    ngram_len: int = 1500
    # The sentence branch learns slower than the old one: on an 8,000-review trial validation
    # rose from 74% to 86% from the first epoch to the second. Early stopping picks the epoch.
    cnn_epochs: int = 3
    # Short spans: 1-2 sentences of a review, labelled as the review, weighted below it.
    spans_per_review: int = 2
    span_weight: float = 0.25
    span_ngram_len: int = 256
    # Texts with fewer known words than this get their own head.
    short_words: int = 20
    refit: bool = True
    # Negation scope, overridden clauses and placeholders in every branch (handler.inference.marks).
    marks: bool = True
    # VADER's words alone and negated, weak-labelled examples among the spans (lexicons.py).
    lexicon: bool = True
    # Counterfactuals per kind (negation, contrast, question, "used to", unseen names), weighted
    # as spans are: they teach the sentence branch what the words do.
    counterfactuals: int = 6_000
    counterfactual_weight: float = 0.5
    # Also the antonym kind (`counterfactuals.swap_opposites`): a sentence and its copy with the
    # opinion words swapped, so a topic noun ("script") is on both sides of each pair. Drawn
    # twice (reports/seeds-antonyms-True.md): "script" in "A clever script." -0.31 and -0.43,
    # beyond every earlier draw (-0.91 to -1.68), but negation and the hand-written set worse. Off
    # (and at half the count, `antonym_share` below).
    antonyms: bool = False
    # With it, each sentence of a pair negated too ("the script was not brilliant"), so the pairs
    # do not dilute what the negation kind teaches. One draw
    # (reports/seeds-antonyms-True-antonym_negations-True.md): negation within the spread, but
    # "script" and topic nouns lost most of the pairs' gain, robustness and SRL worse. Off.
    antonym_negations: bool = False
    # The share of `counterfactuals` the antonym kind draws: 1.0 is as many as each other kind.
    # 0.5 drawn twice (reports/seeds-antonyms-True-antonym_share-0.5.md, every listed opinion
    # word swapped, where the two reports above left "boring"): against the shipped recipe's two
    # draws, "script" -0.54 against -1.35 on average, negation 39.2% against 40.6% failing,
    # "Tuesday" 0.62 against 0.70, the rest within a point. Trained by `make train` at ca4756f
    # (reports/candidates/sentence-cnn-ngram-7ba9d9df1bbc-results.json): validation 91.62%, the
    # shipped model's 91.60%, but IMDb test in int8 92.24%, below the floor of 92.36%,
    # and the reviews' calibration error 0.022 against a goal of 0.02. Not shipped, a choice
    # made on those two test figures: the shipped model's 92.59% is now the better of two looks.
    antonym_share: float = 1.0
    # A typo of a known word in a word new to the model read as the known word ("graet" as
    # "great": handler.inference.spelling). Contractions read as their long forms ("isn't" as
    # "is not") were trained once (model 6, README "What next") and are off: that model was
    # more robust but worse on four other capabilities of the suite.
    contractions: bool = False
    spelling: bool = True
    # Sentences of this many unlabelled reviews, read by the fit-trained model: those it is sure
    # of, and those without evidence at 0.5, up to `self_taught` of each, in the refit only
    # (`convert.train.self_training`). 0: none. Trained once with 12_000 (model 7, README "What
    # next"): "I watched it on Tuesday." fell from 0.91 to 0.77 and SRL improved, but the
    # hand-written set, negation, fairness and "a clever script" got worse, so it is off.
    unlabelled_reviews: int = 20_000
    self_taught: int = 0
    self_taught_weight: float = 0.5
    # False: the sentences without evidence only. Drawn twice at 12_000
    # (reports/seeds-self_taught-12000-self_taught_sure-False.md): "I watched it on Tuesday."
    # and negation within the spread, the hand-written set lower and topic nouns after praise
    # worse than every draw: leaving the sure kind out does not make self-training worth it. Off.
    # Drawn once more with self_taught_weight=1.0
    # (reports/seeds-self_taught-12000-self_taught_sure-False-self_taught_weight-1.0.md): the
    # evidence-free sentences at <= 0.2 or >= 0.8 fell from 29.2% to 17.7%, but the hand-written
    # set (87.8% -> 84.4% right), negation (35.5% -> 41.1%), Temporal and Fairness got worse.
    self_taught_sure: bool = True
    # AdamW's decay on the word embedding only (`sentence_cnn.sentence_branch`): 0 is Adam.
    # Drawn twice at 2.0 (reports/seeds-embedding_decay-2.0.md): rare words alone came nearer
    # the prior, but "I watched it on Tuesday." and "script" did not move, Temporal got worse
    # and the CNN alone lost 1.5-2.5 validation points, so it is off.
    embedding_decay: float = 0.0
    # The pull toward no opinion on the sentences a review's pooling passes over
    # (`sentence_cnn.UnattendedShrink`); 0: none. 0.02 drawn twice beside three draws of the
    # recipe without it (reports/seeds-unattended_shrink-0.02.md, reports/seeds.md): better on
    # average on the hand-written set, negation, whose opinion and "used to", worse on topic
    # nouns after praise and by a fraction of a point on NER. 0.05, drawn twice
    # (reports/seeds-unattended_shrink-0.05.md), was worse on the hand-written set and on topic
    # nouns again.
    unattended_shrink: float = 0.02
    # Added to the seeds of the CNN's initialisation and batch order (not to the data's). 0 is
    # the shipped model; `python -m convert seeds` trains others to show how much a figure
    # owes to the draw (reports/seeds.md).
    seed_shift: int = 0


SERVED = ServedConfig()


INPUT = "sentences"  # the sentence branch's input (flat rows of token ids)


def text_config(s: ServedConfig = SERVED) -> TextConfig:
    return TextConfig(
        seq_len=s.seq_len,
        ngram_len=s.ngram_len,
        ngram_order=s.ngram_order,
        ngram_stopwords=True,
        marks=s.marks,
        sentences=s.sentences,
        sentence_len=s.sentence_len,
        contractions=s.contractions,
        spelling=s.spelling,
    )


def build_encoder(data: Prepared, aliases: dict[str, str], s: ServedConfig = SERVED) -> Encoder:
    """Token vocabulary over every token, n-gram vocabulary over every word, both from fit; the
    words seen in training (`seen_words`), in which no slip is undone."""
    config = text_config(s)
    found = [featurize(t, config, aliases) for t in data.fit.tokens]  # each fit text marked once
    words = Vocabulary.build([sentence_source(f) for f in found], s.word_vocab)
    return Encoder(
        config,
        words,
        ngram_vocabulary(
            [ngram_source(f, config) for f in found],
            s.ngram_order,
            s.ngram_vocab,
            s.ngram_min_df,
            groups=data.fit.movies,
        ),
        aliases,
        seen_words([*data.fit.tokens, *data.val.tokens], words) if config.spelling else (),
    )


def seen_words(texts: Iterable[Sequence[str]], words: Vocabulary) -> list[str]:
    """The words training reads beyond the vocabulary that a slip could be undone in: every one
    of the training reviews, VADER's (the lexicon examples) and the counterfactuals' made-up
    names. With them all seen, training reads exactly what it would without spelling (but for
    the unlabelled reviews of self-training, whose new words are read as the service reads them)."""
    found = {t for text in texts for t in text}
    found.update(vader_lexicon(), counterfactuals.UNSEEN)
    return sorted(t for t in found if correctable(t) and t not in words.index)


def span_encoder(encoder: Encoder, s: ServedConfig = SERVED) -> Encoder:
    """The served vocabularies over the spans' shorter lengths."""
    return Encoder(
        replace(encoder.config, sentences=s.span_sentences, ngram_len=s.span_ngram_len),
        encoder.words,
        encoder.grams,
        encoder.aliases,
        encoder.seen,
    )


def fit_head(outputs: npt.NDArray[np.floating], labels: Labels) -> tuple[tuple[float, ...], float]:
    """Mixing weights and bias of the branch logits: a logistic regression on held-out examples,
    barely regularised (3 parameters, thousands of examples), so it also calibrates."""
    clf = LogisticRegression(C=HEAD_C, max_iter=1000).fit(outputs, labels)
    return tuple(round(float(w), 6) for w in clf.coef_.ravel()), round(float(clf.intercept_[0]), 6)


@dataclass
class Trained:
    runs: list[Run]
    model: keras.Model  # the export graph: the two branch logits out
    head: Head  # long texts fitted on validation; short texts still to fit (`with_short_head`)


def train(
    fit: Encoded,
    val: Encoded,
    spans: Spans,
    emb_matrix: npt.NDArray[np.float32],
    encoder: Encoder,
    counterfactual: Split,
    short_dev: Encoded,
    unlabelled: Sequence[Review] = (),
    s: ServedConfig = SERVED,
) -> Trained:
    """Train both branches (choices on validation), fit the head on validation, refit on all.

    `fit` and `val` are the fit and validation reviews through `encoder`; the spans and the
    counterfactuals (which only the sentence branch reads) are encoded here, at their lengths.
    With `unlabelled` reviews, the model trained on fit is the teacher of the refit's
    self-taught examples, its short-text head fitted on `short_dev` as the final one is.
    """
    if s.self_taught and not unlabelled:
        raise ValueError("self-training is on but no unlabelled reviews were given")
    short = span_encoder(encoder, s)
    fit_spans = Encoded.of(short, spans.fit)
    taught = Part(
        Encoded.of(short, counterfactual).inputs[INPUT],
        counterfactual.labels,
        s.counterfactual_weight,
    )
    size = len(encoder.grams or ())
    cnn = _cnn_builder(encoder, emb_matrix, s)
    span_config = {
        "spans_per_review": s.spans_per_review,
        "span_weight": s.span_weight,
        "counterfactuals": len(counterfactual),
        "counterfactual_weight": s.counterfactual_weight,
    }
    cnn_run, cnn_model = train_keras(
        "served_cnn_branch",
        fit,
        val,
        encoder.config,
        cnn,
        {"embeddings": "word2vec", **span_config},
        epochs=s.cnn_epochs,
        extra=[Part(fit_spans.inputs[INPUT], fit_spans.labels, s.span_weight), taught],
        seed=s.seed_shift,
    )
    ngram_run, ngram_c, ngram_model = _choose_ngram(fit, fit_spans, val, size, span_config, s)
    export = _export_graph(cnn_model, ngram_model, s)
    head, mix = _mixed(export, val, s)
    if s.refit:
        epochs = best_epoch(cnn_run)
        start = time.perf_counter()
        # All training reviews and their spans: the encodings above, concatenated, not redone.
        full, full_spans = fit + val, fit_spans + Encoded.of(short, spans.val)
        self_taught = []
        if s.self_taught:
            teacher = with_short_head(export, head, short_dev)
            found = self_training.teach(
                export, teacher, encoder, short, unlabelled, s.self_taught, SEED, s.self_taught_sure
            )
            self_taught = found.parts(short, INPUT, s.self_taught_weight)
            mix.config["self_taught"] = {"sure": len(found.sure), "neutral": len(found.neutral)}
        cnn_model = cnn()
        _fit_for(cnn_model, [*_parts(full, full_spans, s), taught, *self_taught], epochs, s)
        ngram_model = _ngram_branch(full, full_spans, ngram_c, size, s)
        export = _export_graph(cnn_model, ngram_model, s)
        mix.config["refit"] = (
            f"both branches retrained on all training reviews: the CNN for {epochs} epochs, "
            f"the n-gram regression with C={ngram_c}; the head kept"
        )
        log(f"served: refit on {len(full)} reviews in {time.perf_counter() - start:.0f}s")
    mix.seconds = cnn_run.seconds + ngram_run.seconds
    mix.params = int(export.count_params())
    return Trained([cnn_run, ngram_run, mix], export, head)


def _export_graph(cnn: keras.Model, ngram: keras.Model, s: ServedConfig) -> keras.Model:
    return models.for_export(cnn, ngram, s.sentence_len)


def _cnn_builder(
    encoder: Encoder, emb_matrix: npt.NDArray[np.float32], s: ServedConfig
) -> Callable[[], keras.Model]:
    """A fresh sentence branch with the word2vec rows as its embedding, each time it is called."""

    def cnn() -> keras.Model:
        m = sentence_cnn.sentence_branch(
            len(encoder.words),
            s.sentence_len,
            s.embed_dim,
            s.filters,
            seed=SEED + s.seed_shift,
            embedding_decay=s.embedding_decay,
            unattended_shrink=s.unattended_shrink,
        )
        m.get_layer("word_embedding").set_weights([emb_matrix])
        return m

    return cnn


def _ngram_branch(
    reviews: Encoded, span_part: Encoded, c: float, size: int, s: ServedConfig
) -> keras.Model:
    """The NB-weighted regression over reviews and their spans (spans weighted below), as a graph."""
    x = sparse.vstack(
        [
            nblr.binary_matrix(reviews.inputs["ngrams"], size),
            nblr.binary_matrix(span_part.inputs["ngrams"], size),
        ]
    ).tocsr()
    y = np.concatenate([reviews.labels, span_part.labels])
    w = np.concatenate([np.ones(len(reviews)), np.full(len(span_part), s.span_weight)])
    nb = nblr.fit(x, y, c, ratio_rows=len(reviews), sample_weight=w)
    return models.ngram_branch(nblr.keras_table(nb), nb.bias)


def _choose_ngram(
    fit: Encoded,
    fit_spans: Encoded,
    val: Encoded,
    size: int,
    span_config: dict[str, Any],
    s: ServedConfig,
) -> tuple[Run, float, keras.Model]:
    """The n-gram branch at each C of the grid; the one best on validation, its C and its run."""
    start = time.perf_counter()
    tried = []
    for c in nblr.C_GRID:
        branch = _ngram_branch(fit, fit_spans, c, size, s)
        scores = Scores.of(keras_predict(branch, val.inputs), val.labels)
        log(f"served_ngram_branch: C={c} validation accuracy {scores.accuracy:.4f}")
        tried.append((scores.accuracy, c, scores, branch))
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
    return ngram_run, ngram_c, ngram_model


def _mixed(export: keras.Model, val: Encoded, s: ServedConfig) -> tuple[Head, Run]:
    """The long-text head and the mixed model's run, scored on the validation reviews."""
    # The long-text head sees only validation reviews: it weighs the branches where they differ.
    weights, bias = fit_head(keras_outputs(export, val.inputs), val.labels)
    head = Head(weights=weights, bias=bias, short_words=s.short_words)
    mix = Run(
        "served_cnn_ngram",
        {**asdict(s), "head": "2 weights and a bias fitted on the validation reviews"},
    )
    val_p = head.probabilities(keras_outputs(export, val.inputs), np.full(len(val), s.short_words))
    mix.val = Scores.of(val_p, val.labels)
    log(f"served: mixed validation accuracy {mix.val.accuracy:.4f}, head {weights}, {bias}")
    return head, mix


def _parts(reviews: Encoded, span_part: Encoded, s: ServedConfig) -> list[Part]:
    return [
        Part(reviews.inputs[INPUT], reviews.labels),
        Part(span_part.inputs[INPUT], span_part.labels, s.span_weight),
    ]


def _fit_for(
    model: keras.Model, parts: list[Part], epochs: int, s: ServedConfig, batch_size: int = 128
) -> None:
    batches, steps = dataset(parts, batch_size, SEED + s.seed_shift)
    model.fit(batches, steps_per_epoch=steps, epochs=epochs, shuffle=False, verbose=VERBOSE)


def with_short_head(model: keras.Model, head: Head, short: Encoded) -> Head:
    """`head` with its weights for short texts fitted on `short` (the Amazon and Yelp sentences,
    which share nothing with IMDb) through `model`'s branches."""
    weights, bias = fit_head(keras_outputs(model, short.inputs), short.labels)
    return replace(head, short_weights=weights, short_bias=bias)
