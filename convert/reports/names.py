"""What the results page and the model card call things, and how they print numbers."""

from __future__ import annotations

# Published IMDb test accuracies, quoted for context; none of these were re-run here.
PUBLISHED = [
    ("Maas et al. 2011 (word vectors + BoW)", 0.8889),
    ("Original project CNN (reported)", 0.890),
    ("NBSVM uni+bigrams (Wang & Manning 2012)", 0.9122),
    ("NBSVM-trigram re-implementation (Mesnil et al. 2014)", 0.9187),
    ("One-hot CNN (Johnson & Zhang 2015)", 0.9233),
    ("DistilBERT, 66M params (Sanh et al. 2019)", 0.928),
]
NAMES = {
    "nb_lr": "NB-weighted logistic regression, binary 1-3-grams (NBSVM-style baseline)",
    "tfidf_lr": "TF-IDF uni+bigram logistic regression",
    "cnn_baseline": "Original CNN (re-trained here)",
    "rnn_bigru": "RNN: bidirectional GRU",
    "rcnn": "RCNN (Lai et al. 2015)",
    "served_cnn_branch": "Served model, CNN branch alone",
    "served_ngram_branch": "Served model, n-gram branch alone",
    "served_cnn_ngram": "Served model: CNN + n-gram (test: the int8 TFLite file)",
}
SERVED = "served_cnn_ngram"
SENTENCE_NAMES = {"amazon": "Amazon phones", "yelp": "Yelp restaurants", "imdb": "IMDb sentences"}


def pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def fmt_mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"
