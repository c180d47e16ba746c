"""`make train` reads the settings it is handed in every stage, not the module's default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from convert import pipeline
from convert.data.imdb import SENTENCE_SETS, Imdb, Review
from convert.evaluate import unlabelled
from convert.train import served

POSITIVE = "A brilliant film. I loved every minute of it. The cast was great."
NEGATIVE = "An awful film. I hated every minute of it. The plot was dull."


def _imdb() -> Imdb:
    train = [
        Review(POSITIVE if i % 2 else NEGATIVE, i % 2, 9 if i % 2 else 2, f"train/{i}", f"tt{i}")
        for i in range(40)
    ]
    # More than the unlabelled measures' 3,000, which self-training leaves out.
    unsup = [
        Review("I saw it on Tuesday. It was great.", -1, 0, f"unsup/{i}")
        for i in range(unlabelled.REVIEWS + 6)
    ]
    return Imdb(train, [], unsup)


def _sentences(folder: Path) -> Path:
    for stem in SENTENCE_SETS.values():
        (folder / f"{stem}_labelled.txt").write_text("Great phone.\t1\nAwful food.\t0\n")
    return folder


def test_inputs_follow_the_settings_given_not_the_default(tmp_path: Path) -> None:
    imdb, folder = _imdb(), _sentences(tmp_path)
    trial = dataclasses.replace(
        served.SERVED, lexicon=False, spans_per_review=1, self_taught=1, unlabelled_reviews=3
    )
    default = pipeline._inputs(imdb, folder, served.SERVED)
    found = pipeline._inputs(imdb, folder, trial)
    assert "lexicon" in default.spans.fit.movies
    assert "lexicon" not in found.spans.fit.movies
    assert len(found.spans.fit) == len(found.data.fit)  # one span per fit review
    assert (len(default.unlabelled), len(found.unlabelled)) == (0, 3)
    measured = {r.id for r in unlabelled.measured(imdb.unsup)}
    assert not measured & {r.id for r in found.unlabelled}
