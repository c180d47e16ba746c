"""The architectures compared in reports/results.md. Every model maps int32 ids to P(positive)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import numpy.typing as npt
from keras import layers

from convert.train import sentence_cnn


@keras.saving.register_keras_serializable(package="sentiment")
class ZeroRow(keras.constraints.Constraint):  # type: ignore[misc]
    """Keeps the padding row of an embedding at exactly zero, so padding adds nothing to a sum."""

    def __call__(self, w: Any) -> Any:
        mask = keras.ops.concatenate(
            [keras.ops.zeros((1, w.shape[1])), keras.ops.ones((w.shape[0] - 1, w.shape[1]))]
        )
        return w * mask


def _words(seq_len: int) -> keras.KerasTensor:
    return keras.Input(shape=(seq_len,), dtype="int32", name="words")


def _compile(model: keras.Model, learning_rate: float = 1e-3) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def baseline_cnn(vocab_size: int = 5000, seq_len: int = 400, seed: int = 0) -> keras.Model:
    """The original project's CNN (the Keras imdb_cnn example): it reported 89.0% test accuracy."""
    keras.utils.set_random_seed(seed)
    words = _words(seq_len)
    x = layers.Embedding(vocab_size, 50)(words)
    x = layers.Dropout(0.2)(x)
    x = layers.Conv1D(250, 3, padding="valid", activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(250)(x)
    x = layers.Dropout(0.2)(x)
    x = layers.Activation("relu")(x)
    out = layers.Dense(1, activation="sigmoid", name="p_positive")(x)
    return _compile(keras.Model(words, out, name="cnn_baseline"))


def rnn(
    vocab_size: int, seq_len: int, embed_dim: int = 64, units: int = 64, seed: int = 0
) -> keras.Model:
    """Bidirectional GRU over masked, pre-padded ids: the final states see the real tokens."""
    keras.utils.set_random_seed(seed)
    words = _words(seq_len)
    x = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(words)
    x = layers.Bidirectional(layers.GRU(units))(x)
    x = layers.Dropout(0.3)(x)
    out = layers.Dense(1, activation="sigmoid", name="p_positive")(x)
    return _compile(keras.Model(words, out, name="rnn_bigru"))


def rcnn(
    vocab_size: int,
    seq_len: int,
    embed_dim: int = 64,
    units: int = 64,
    hidden: int = 128,
    seed: int = 0,
) -> keras.Model:
    """Lai et al. 2015: [left context; word; right context] -> tanh projection -> max over time.

    The left/right contexts are a bidirectional GRU's forward and backward states, as in most
    re-implementations (the paper's states exclude the current word; the difference is small).
    """
    keras.utils.set_random_seed(seed)
    words = _words(seq_len)
    emb = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(words)
    # merge_mode=None returns both directions, the backward one already re-aligned in time.
    left, right = layers.Bidirectional(layers.GRU(units, return_sequences=True), merge_mode=None)(
        emb
    )
    x = layers.Concatenate()([left, emb, right])
    x = layers.Dense(hidden, activation="tanh")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dropout(0.3)(x)
    out = layers.Dense(1, activation="sigmoid", name="p_positive")(x)
    return _compile(keras.Model(words, out, name="rcnn"))


def cnn_branch(
    vocab_size: int,
    embed_dim: int = 64,
    filters: int = 128,
    widths: tuple[int, ...] = (3, 4, 5),
    dropout: float = 0.5,
    seed: int = 0,
) -> keras.Model:
    """Several filter widths over word embeddings (Kim 2014 style); outputs P(positive).

    Any input length: max-pooling over pre-padded ids gives the same answer at every length with
    at least max(widths) pads, so short spans train at a short length, at a fraction of the cost.
    """
    keras.utils.set_random_seed(seed)
    words = keras.Input(shape=(None,), dtype="int32", name="words")
    emb = layers.Embedding(vocab_size, embed_dim, name="word_embedding")(words)
    emb = layers.SpatialDropout1D(0.2)(emb)
    pooled = [
        layers.GlobalMaxPooling1D()(layers.Conv1D(filters, w, activation="relu")(emb))
        for w in widths
    ]
    x = layers.Concatenate(name="cnn_features")(pooled) if len(pooled) > 1 else pooled[0]
    x = layers.Dropout(dropout)(x)
    logit = layers.Dense(1, name="cnn_logit")(x)
    out = layers.Activation("sigmoid", name="p_positive")(logit)
    return _compile(keras.Model(words, out, name="cnn_multiwidth"))


def ngram_branch(weights: npt.NDArray[np.float32], bias: float) -> keras.Model:
    """The n-gram logistic regression (convert.train.nblr) as a graph: one embedding weight per n-gram,
    summed over a text's distinct n-grams, plus the bias; outputs P(positive).

    A sum over a zero padding row, so the input may be any length.
    """
    grams = keras.Input(shape=(None,), dtype="int32", name="ngrams")
    w = layers.Embedding(
        len(weights),
        1,
        name="ngram_weight",
        embeddings_initializer=keras.initializers.Constant(weights.reshape(-1, 1)),
        embeddings_constraint=ZeroRow(),
    )(grams)
    x = SumOverTime(name="ngram_sum")(w)
    logit = layers.Dense(
        1,
        name="ngram_logit",
        kernel_initializer=keras.initializers.Constant(1.0),
        bias_initializer=keras.initializers.Constant(bias),
    )(x)
    out = layers.Activation("sigmoid", name="p_positive")(logit)
    return _compile(keras.Model(grams, out, name="ngram_nb_lr"))


@keras.saving.register_keras_serializable(package="sentiment")
class SumOverTime(layers.Layer):  # type: ignore[misc]
    """Sum over the sequence axis: one int8 SUM op where mean-then-scale would requantize twice."""

    def call(self, x: Any) -> Any:
        return keras.ops.sum(x, axis=1)


@keras.saving.register_keras_serializable(package="sentiment")
class Clip(layers.Layer):  # type: ignore[misc]
    """Bound a logit, so its int8 range (and so its rounding step) stays small."""

    def __init__(self, limit: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limit = limit

    def call(self, x: Any) -> Any:
        return keras.ops.clip(x, -self.limit, self.limit)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "limit": self.limit}


# Quantization: with the n-gram logit bounded at +-8 (p = 0.9997) and the 0.1% largest n-gram
# weights clipped, int8 rounding moves the served probability about half as much as before.
NGRAM_LOGIT_LIMIT = 8.0
NGRAM_WEIGHT_QUANTILE = 0.999
# The export graph's outputs, in this order: the branches' logits, mixed by the service in float.
OUTPUTS = ("cnn_logit", "ngram_logit")


def for_export(cnn: keras.Model, ngram: keras.Model, sentence_len: int = 0) -> keras.Model:
    """Both trained branches in one graph laid out for int8: the same logits up to the clips.

    Inputs take any length (the service feeds what a text fills: `TfliteModel`; padding adds
    nothing to either branch), and the graph stops at the two logits, each an int8 output with
    its own scale: the service mixes and calibrates them in float (`handler.inference.calibration.Head`),
    so probabilities are not confined to 256 steps. The n-gram logit is one sum over its
    weights plus the bias, clipped so that its int8 step stays small.
    """
    k_ngram, b_ngram = ngram.get_layer("ngram_logit").get_weights()
    table = ngram.get_layer("ngram_weight").get_weights()[0]
    limit = float(np.quantile(np.abs(table[2:]), NGRAM_WEIGHT_QUANTILE))
    scaled = np.clip(table, -limit, limit) * k_ngram[0, 0]

    first = "sentences" if sentence_len else "words"  # flat sentence rows, or content words
    words = keras.Input(shape=(None,), dtype="int32", name=first)
    grams = keras.Input(shape=(None,), dtype="int32", name="ngrams")
    if sentence_len:  # the sentence branch, laid out with each sentence a row of the batch
        branch = sentence_cnn.export_branch(cnn, sentence_len)
    else:
        branch = keras.Model(cnn.inputs[0], cnn.get_layer("cnn_logit").output, name="cnn")
    cnn_logit = branch(words)
    weights = layers.Embedding(len(table), 1, name="ngram_scaled_weight")
    shift = layers.Dense(1, name="ngram_bias")
    summed = shift(SumOverTime()(weights(grams)))
    weights.set_weights([scaled.astype(np.float32)])
    shift.set_weights([np.ones((1, 1), np.float32), b_ngram])
    ngram_logit = Clip(NGRAM_LOGIT_LIMIT, name=OUTPUTS[1])(summed)
    return keras.Model(
        {first: words, "ngrams": grams}, [cnn_logit, ngram_logit], name="cnn_ngram_served"
    )
