"""The sentence branch: a CNN that reads every token of each sentence in order, scores each
sentence, and answers for the review with an attention pooling of those scores.

Multiple-instance learning from review labels (Kotzias et al. 2015; Angelidis & Lapata 2018,
MILNET): only reviews and short texts carry labels, and the network learns which sentences
speak for the review. Stacked dilated convolutions (widths 3, dilations 1, 2, 4) give each
position a receptive field of 15 tokens, a clause, so "not ... good" and "but it was thrilling"
are read as phrases. A one-sentence text is one slot, and the pooling over it is that
sentence's own score, so a line typed into the page is in the model's own distribution.

Every op has a builtin int8 kernel (gather, conv, max, softmax, sums), and the values the
pooling masks stay within a small range, so full-integer quantization keeps its resolution.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops

DILATIONS = (1, 2, 4)
# Sentence scores are bounded, so the pooled logit's int8 step stays small; attention scores
# too, so that an empty slot's penalty is a few steps away, not thousands.
SENTENCE_LOGIT_LIMIT = 10.0
ATTENTION_LIMIT = 6.0


@keras.saving.register_keras_serializable(package="sentiment")
class SoftBound(layers.Layer):  # type: ignore[misc]
    """`limit * tanh(x / limit)`: bounded like a clip, but never without a gradient, so a
    sentence scored far past the bound early in training can still be corrected."""

    def __init__(self, limit: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limit = limit

    def call(self, x: Any) -> Any:
        return self.limit * ops.tanh(x / self.limit)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "limit": self.limit}


@keras.saving.register_keras_serializable(package="sentiment")
class TokenMask(layers.Layer):  # type: ignore[misc]
    """1.0 where a token id is real, 0.0 at padding: [..., T] int ids -> [..., T, 1] float."""

    def call(self, ids: Any) -> Any:
        return ops.expand_dims(ops.cast(ops.greater(ids, 0), "float32"), -1)


@keras.saving.register_keras_serializable(package="sentiment")
class MaxOverTokens(layers.Layer):  # type: ignore[misc]
    """Max over the token axis of [B, S, T, F] -> [B, S, F]."""

    def call(self, x: Any) -> Any:
        return ops.max(x, axis=2)


@keras.saving.register_keras_serializable(package="sentiment")
class AttentionPool(layers.Layer):  # type: ignore[misc]
    """Softmax attention over the sentences that hold a token; the weighted sum of their scores.

    Inputs: sentence logits [B, S], attention scores [B, S] (bounded) and slot mask [B, S] (1.0
    for a sentence, 0.0 for an empty slot). An empty slot's score falls 4 bounds below the
    lowest real one: its weight is e^-24 of any sentence's, nothing at int8.
    """

    def call(self, inputs: Any) -> Any:
        logits, scores, mask = inputs
        return ops.sum(_attention(scores, mask) * logits, axis=-1, keepdims=True)


def _attention(scores: Any, mask: Any) -> Any:
    masked = scores + (mask - 1.0) * (4.0 * ATTENTION_LIMIT)
    return ops.softmax(masked, axis=-1)


@keras.saving.register_keras_serializable(package="sentiment")
class UnattendedShrink(layers.Layer):  # type: ignore[misc]
    """Training only: each sentence's logit pulled toward 0 by the share of the attention it
    did not get, `strength * (1 - weight) * logit^2`, averaged over a text's sentences.

    A review's label reaches a sentence's logit only through its attention weight, so the
    sentences the pooling passes over (a date, a plot summary) are never told what they say,
    and their logits drift with whatever they share with attended ones. Alone as a one-line
    text, such a sentence then answers with that drift. A sentence that is a whole text has all
    the attention and nothing pulls it. The weights are read, not taught: the pull must not
    move the attention toward extreme sentences. Inputs and output as `AttentionPool`'s, the
    logits passed through; the export graph does not hold this layer.
    """

    def __init__(self, strength: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strength = strength

    def call(self, inputs: Any) -> Any:
        logits, scores, mask = inputs
        unattended = (1.0 - ops.stop_gradient(_attention(scores, mask))) * mask
        per_text = ops.sum(unattended * ops.square(logits), axis=-1)
        per_text = per_text / ops.maximum(ops.sum(mask, axis=-1), 1.0)
        self.add_loss(self.strength * ops.mean(per_text))
        return logits

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "strength": self.strength}


@keras.saving.register_keras_serializable(package="sentiment")
class SentenceRows(layers.Layer):  # type: ignore[misc]
    """Flat ids [B, S * T] -> one sentence per batch row [B * S, 1, T].

    A reshape to a constant shape: the export graph then needs no shape computed at run time
    until the sentences go back to their reviews (`PerReview`).
    """

    def __init__(self, sentence_len: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sentence_len = sentence_len

    def call(self, ids: Any) -> Any:
        return ops.reshape(ids, (-1, 1, self.sentence_len))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "sentence_len": self.sentence_len}


@keras.saving.register_keras_serializable(package="sentiment")
class MaxOverRow(layers.Layer):  # type: ignore[misc]
    """Max over a sentence row's tokens: [N, 1, T, F] -> [N, F]."""

    def call(self, x: Any) -> Any:
        return ops.max(x, axis=(1, 2))


@keras.saving.register_keras_serializable(package="sentiment")
class PerReview(layers.Layer):  # type: ignore[misc]
    """Per-sentence values [B * S, 1] back to their reviews, [B, S] each (the only shape the
    graph computes: the number of reviews comes from the ids). Each is reshaped on its own,
    so each keeps its own int8 scale: a 0/1 mask and a score of +-6 would share one if joined."""

    def call(self, inputs: Any) -> Any:
        *values, ids = inputs
        shape = (ops.shape(ids)[0], -1)
        return [ops.reshape(v, shape) for v in values]


def export_branch(cnn: keras.Model, sentence_len: int) -> keras.Model:
    """The trained branch laid out for the int8 export: the same layers and weights, the same
    logit, but every sentence a row of the batch.

    The training graph keeps sentences on their own axis, so an export that takes any number of
    sentences must compute its shapes at run time, and the dilated convolutions become
    space-to-batch steps around them. Here the only computed shape is the last reshape, and
    the graph is about 60 ops instead of 140: one review per call costs about a quarter less.
    """
    ids = keras.Input(shape=(None,), dtype="int32", name="sentences")
    rows = SentenceRows(sentence_len)(ids)  # [N, 1, T]
    tokens = TokenMask()(rows)  # [N, 1, T, 1]
    h = cnn.get_layer("conv_1")(cnn.get_layer("word_embedding")(rows))
    for d in DILATIONS[1:]:
        h = layers.Add()([h, cnn.get_layer(f"conv_{d}")(h)])
    vectors = MaxOverRow()(layers.Multiply()([h, tokens]))  # [N, F]
    logit = cnn.get_layer("sentence_logits")(cnn.get_layer("sentence_score")(vectors))
    hidden = cnn.get_layer("attention_hidden")(vectors)
    score = cnn.get_layer("attention")(cnn.get_layer("attention_score")(hidden))
    slot = MaxOverRow()(tokens)  # [N, 1]
    pooled = AttentionPool(name="cnn_logit")(PerReview()([logit, score, slot, ids]))
    return keras.Model(ids, pooled, name="cnn")


def sentence_branch(
    vocab_size: int,
    sentence_len: int,
    embed_dim: int = 100,
    filters: int = 96,
    attention_units: int = 32,
    dropout: float = 0.25,
    seed: int = 0,
    embedding_decay: float = 0.0,
    unattended_shrink: float = 0.0,
) -> keras.Model:
    """Flat [slots * sentence_len] ids in (any number of slots), P(positive) out.

    The layer "cnn_logit" is the pooled review logit the export graph ends in. With
    `embedding_decay`, every step shrinks each word's row by `learning rate * decay` of itself
    (AdamW's decoupled decay, on the embedding only): a row the data keeps pulling holds its
    place, a word seen in a handful of reviews fades toward nothing instead of carrying what
    those few reviews said. With `unattended_shrink`, the sentences a text's pooling passes
    over are pulled toward no opinion (`UnattendedShrink`).
    """
    keras.utils.set_random_seed(seed)
    ids = keras.Input(shape=(None,), dtype="int32", name="sentences")
    rows = layers.Reshape((-1, sentence_len), name="rows")(ids)  # [B, S, T]
    tokens = TokenMask(name="token_mask")(rows)  # [B, S, T, 1]
    x = layers.Embedding(vocab_size, embed_dim, name="word_embedding")(rows)
    x = layers.Dropout(dropout)(x)
    h = layers.Conv2D(filters, (1, 3), padding="same", activation="relu", name="conv_1")(x)
    for d in DILATIONS[1:]:
        more = layers.Conv2D(
            filters, (1, 3), padding="same", dilation_rate=(1, d), activation="relu",
            name=f"conv_{d}",
        )(h)  # fmt: skip
        h = layers.Add()([h, more])
    h = layers.Multiply(name="real_tokens")([h, tokens])  # padding never wins the max
    sentences = MaxOverTokens(name="sentence_vectors")(h)  # [B, S, F]
    slots = layers.Reshape((-1,), name="slot_mask")(MaxOverTokens()(tokens))  # [B, S]
    sentences = layers.Dropout(0.3)(sentences)
    logit = layers.Dense(1, name="sentence_score")(sentences)
    logit = SoftBound(SENTENCE_LOGIT_LIMIT, name="sentence_logits")(layers.Reshape((-1,))(logit))
    hidden = layers.Dense(attention_units, activation="tanh", name="attention_hidden")(sentences)
    score = layers.Reshape((-1,))(layers.Dense(1, name="attention_score")(hidden))
    score = SoftBound(ATTENTION_LIMIT, name="attention")(score)
    if unattended_shrink:
        logit = UnattendedShrink(unattended_shrink, name="unattended_shrink")([logit, score, slots])
    pooled = AttentionPool(name="cnn_logit")([logit, score, slots])
    out = layers.Activation("sigmoid", name="p_positive")(pooled)
    model = keras.Model(ids, out, name="sentence_cnn")
    model.compile(
        optimizer=_optimizer(embedding_decay), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def _optimizer(embedding_decay: float) -> keras.optimizers.Optimizer:
    if not embedding_decay:
        return keras.optimizers.Adam(1e-3)
    optimizer = keras.optimizers.AdamW(1e-3, weight_decay=embedding_decay)
    # Matched on the variables' own names: every layer but the embedding holds these.
    optimizer.exclude_from_weight_decay(var_names=["kernel", "bias"])
    return optimizer
