"""A tiny model trained in seconds on synthetic reviews, through the same build/export path as the
served model, so CI tests the whole pipeline (training, int8 export, manifest, parity) without the
dataset.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from convert.data.prepare import Encoded, Split, ngram_vocabulary  # as the served model builds them
from convert.export.artifacts import Checked, export_and_check
from convert.export.predict import sample
from convert.train import models, nblr
from convert.train.sentence_cnn import sentence_branch
from handler import constants
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig, featurize, sentence_source

POSITIVE = "great wonderful loved brilliant superb moving beautiful excellent enjoyable masterpiece".split()
NEGATIVE = "awful boring hated terrible dull waste poor worst stupid mess".split()
NEUTRAL = "plot actor scene story director ending cast music camera script character".split()
SENTENCES, SENTENCE_LEN, NGRAM_LEN = 4, 12, 48


def synthetic_reviews(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Half positive, half negative; "not" flips a sentiment word, as real reviews do."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        words = [rng.choice(NEUTRAL) for _ in range(rng.randint(4, 10))]
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.2:
                cue = "not " + rng.choice(NEGATIVE if label else POSITIVE)
            else:
                cue = rng.choice(POSITIVE if label else NEGATIVE)
            words.insert(rng.randrange(len(words) + 1), cue)
        texts.append("The " + " ".join(words) + ".<br /><br />")
        labels.append(label)
    return texts, np.array(labels, dtype=np.int64)


def build(
    out_dir: Path, seed: int = 0, keras_path: Path | None = None, float_path: Path | None = None
) -> dict[str, Any]:
    """Train, export float and int8, check them against Keras, write the handler's artifacts."""

    fit_split = Split.of_texts(*synthetic_reviews(400, seed))
    val_split = Split.of_texts(*synthetic_reviews(200, seed + 1))
    fit_words = fit_split.tokens
    config = TextConfig(
        ngram_len=NGRAM_LEN, ngram_stopwords=True, sentences=SENTENCES, sentence_len=SENTENCE_LEN
    )
    encoder = Encoder(
        config,
        Vocabulary.build([sentence_source(featurize(w, config)) for w in fit_words], 64),
        ngram_vocabulary(fit_words, 3, 512, min_df=1),
    )
    fit, val = Encoded.of(encoder, fit_split), Encoded.of(encoder, val_split, known=True)
    assert val.known is not None
    cnn = sentence_branch(len(encoder.words), SENTENCE_LEN, embed_dim=8, filters=8, seed=seed)
    cnn.fit(fit.inputs["sentences"], fit.labels, epochs=4, batch_size=32, verbose=0)
    nb = nblr.fit(
        nblr.binary_matrix(fit.inputs["ngrams"], len(encoder.grams or ())), fit.labels, c=0.3
    )
    ngram = models.ngram_branch(nblr.keras_table(nb), nb.bias)
    export = models.for_export(cnn, ngram, SENTENCE_LEN)
    manifest, _ = export_and_check(
        export,
        encoder,
        calibration_rows=sample(fit.inputs, 200, seed),
        checked=Checked("synthetic validation (200 reviews)", val.inputs, val.labels, val.known),
        head=Head(),  # the two logits added, as if mixed 1:1
        model_dir=out_dir,
        keras_path=keras_path or out_dir.parent / "tiny.keras",
        float_path=float_path or out_dir.parent / "tiny_float.tflite",
        architecture="tiny-sentence-cnn-ngram",
        training={"data": "synthetic", "seed": seed},
    )
    manifest.write(out_dir / constants.MANIFEST_FILE)
    return manifest.to_json()
