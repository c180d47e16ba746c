"""The answer builder: its typed records are the published response models, field for field, and
the routes and bulk jobs answer with what it builds."""

from __future__ import annotations

from typing import get_type_hints

import pytest
from pydantic import BaseModel

from handler import answers
from handler.api import responses
from handler.errors import TooManySentencesError
from handler.inference.predictor import Answer

RECORDS = [
    (answers.Prediction, responses.TextPrediction),
    (answers.Sentence, responses.Sentence),
    (answers.WordWeight, responses.WordWeight),
    (answers.Occurrence, responses.Occurrence),
    (answers.PredictAnswer, responses.PredictResponse),
    (answers.BatchAnswer, responses.BatchResponse),
    (answers.HealthAnswer, responses.HealthResponse),
]


@pytest.mark.parametrize(("record", "model"), RECORDS)
def test_each_record_has_the_fields_of_its_published_model(
    record: type, model: type[BaseModel]
) -> None:
    assert set(get_type_hints(record)) == set(model.model_fields)


def test_what_the_builder_builds_validates_against_the_published_models(fake) -> None:
    spans = answers.split(["good fun. bad plot."], 10)[0]
    built = answers.predict_answer(fake, "good fun. bad plot.", True, spans)
    responses.PredictResponse.model_validate(built.body)
    batch = answers.batch_answer(fake, ["good", "good. bad."], [[(0, 4)], [(0, 5), (6, 10)]])
    responses.BatchResponse.model_validate(batch.body)
    assert [a.probability for a in batch.answers] == [1.0, 0.0]


def test_a_prediction_is_labelled_before_it_is_rounded() -> None:
    # 0.4999999 rounds to 0.5 at 6 places, yet it is below the threshold.
    assert answers.prediction(Answer(0.4999999, 3)) == {
        "label": "negative",
        "probability": 0.5,
        "words_used": 3,
    }
    assert answers.prediction(Answer(1.0000001, 1))["probability"] == 1.0


def test_sentence_limits_name_the_field_and_never_quote_the_text() -> None:
    with pytest.raises(TooManySentencesError, match=r"^text: 3 sentences, over the limit of 2$"):
        answers.split(["Secret one. Secret two. Secret three."], 2)
    with pytest.raises(TooManySentencesError, match=r"^texts\.1: 3 sentences"):
        answers.split(["Fine.", "One. Two. Three."], 2, 10)
    with pytest.raises(TooManySentencesError, match=r"^texts: more than 3 sentences in all"):
        answers.split(["One. Two.", "Three. Four."], 2, 3)
