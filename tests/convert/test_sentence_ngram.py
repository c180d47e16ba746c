"""The sentence regression: sentences that judge nothing take a topic word's polarity away."""

from __future__ import annotations

import numpy as np

from convert.data.prepare import Encoded
from convert.train import served
from handler.inference.encoder import OOV_ID

# n-gram ids: 2 "script", 3 "clever", 4 "dull", 5 "cast", 6 "tuesday"
SCRIPT, CLEVER, DULL, CAST, TUESDAY = 2, 3, 4, 5, 6
SIZE = 7


def _encoded(rows: list[list[int]], labels: list[int]) -> Encoded:
    ids = np.zeros((len(rows), 4), np.int32)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
    return Encoded({"ngrams": ids}, np.array(labels, np.int64))


def _weights(neutral_weight: float) -> np.ndarray:
    # Critics name the script more often than fans: "script" is negative in the spans.
    spans = _encoded(
        [[CLEVER, CAST]] * 40 + [[DULL, SCRIPT]] * 40 + [[CLEVER, SCRIPT]] * 10 + [[DULL]] * 10,
        [1] * 40 + [0] * 40 + [1] * 10 + [0] * 10,
    )
    neutral = _encoded([[SCRIPT, TUESDAY]] * 30 + [[CAST, TUESDAY]] * 30, [0] * 60)
    s = served.ServedConfig(evidence_free_ngram_weight=neutral_weight)
    branch = served._sentence_ngram_branch(spans, neutral, 1.0, SIZE, s)
    table = branch.get_layer("ngram_weight").get_weights()[0].ravel()
    assert table[OOV_ID] == 0.0
    return table


def test_evidence_free_rows_pull_a_topic_word_toward_nothing() -> None:
    alone, taught = _weights(0.0), _weights(4.0)
    assert alone[SCRIPT] < 0
    assert alone[CLEVER] > 0 > alone[DULL]
    assert abs(taught[SCRIPT]) < 0.5 * abs(alone[SCRIPT])
    # The evidence is kept: the opinion words keep their sign and most of their weight.
    assert taught[CLEVER] > 0.5 * alone[CLEVER]
    assert taught[DULL] < 0.5 * alone[DULL]
