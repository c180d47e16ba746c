"""Word vectors pretrained on reviews without using any label: the 50k unlabelled reviews plus the
text of the training split (never the test split)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from gensim.models import Word2Vec

from handler.inference.encoder import Vocabulary

DIM = 100
INIT_STD = 0.05


def pretrain(token_lists: Sequence[Sequence[str]], dim: int = DIM, seed: int = 1) -> Word2Vec:
    """CBOW word2vec: minutes on two cores, where skip-gram would take several times longer."""
    # workers=1 makes gensim deterministic for a fixed seed; the cost is a few minutes.
    return Word2Vec(
        sentences=[list(t) for t in token_lists],
        vector_size=dim,
        window=5,
        min_count=3,
        workers=1,
        sg=0,
        epochs=5,
        seed=seed,
    )


def matrix(
    vocab: Vocabulary, w2v: Word2Vec, seed: int = 0
) -> tuple[npt.NDArray[np.float32], float]:
    """(embedding matrix rows in vocabulary id order, share of words that had a vector).

    Words without a vector start small and random; the padding row is zero. The vectors are
    rescaled to the spread of Keras' default initialiser: raw word2vec norms (about 3) saturated
    the convolutions and cost 3 validation points in the first epochs.
    """
    dim = w2v.vector_size
    emb = np.random.default_rng(seed).normal(0.0, INIT_STD, (len(vocab), dim)).astype(np.float32)
    known = [
        (i, t)
        for i, t in enumerate(vocab.tokens, start=len(vocab) - len(vocab.tokens))
        if t in w2v.wv
    ]
    if known:
        vectors = np.stack([w2v.wv[t] for _, t in known])
        emb[[i for i, _ in known]] = vectors * (INIT_STD / vectors.std())
    emb[0] = 0.0
    return emb, len(known) / max(len(vocab.tokens), 1)
