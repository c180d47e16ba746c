"""The TFLite wrapper (handler.inference.runtime) on the shipped int8 model: loading, batching, failures."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from handler import constants
from handler.inference.encoder import Encoder
from handler.inference.paths import MODEL_DIR
from handler.inference.runtime import (
    ModelRuntimeError,
    TfliteModel,
    _dequantize,
    _output_position,
    input_name,
)

MODEL = MODEL_DIR / constants.MODEL_FILE
TEXTS = ["a wonderful, moving film", "dull and far too long", "the plot", "not bad at all"]


@pytest.fixture(scope="module")
def model() -> TfliteModel:
    return TfliteModel(MODEL)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder.load(MODEL_DIR / constants.VOCAB_FILE)


def test_inputs_are_named_as_the_pipeline_names_them(model, encoder):
    assert model.input_names == tuple(sorted(encoder.input_names))
    lengths = encoder.input_lengths
    for name in model.input_names:
        assert model.input_length(name) in (None, lengths[name])


def test_the_shipped_model_reads_texts_of_any_length(model):
    assert {n: model.input_length(n) for n in model.input_names} == {
        "sentences": None,
        "ngrams": None,
    }


def _fed_shapes(model: TfliteModel) -> dict[str, tuple[int, ...]]:
    return {
        input_name(d["name"]): tuple(int(n) for n in d["shape"])
        for d in model._interp.get_input_details()
    }


def test_only_the_rows_a_text_fills_are_run_and_the_answer_is_the_same(encoder):
    cut = TfliteModel(MODEL, units=encoder.input_units)
    whole = TfliteModel(MODEL)  # no units: fed the full padded length
    one_line = encoder.encode(["A clever script."])
    np.testing.assert_array_equal(cut.predict(one_line), whole.predict(one_line))
    assert _fed_shapes(cut)["sentences"] == (1, encoder.config.sentence_len)
    assert _fed_shapes(whole)["sentences"] == (1, encoder.input_lengths["sentences"])
    # A batch runs the rows of its longest text; each text's answer is its own.
    x = encoder.encode([*TEXTS, "Fine. " * 40])
    np.testing.assert_array_equal(cut.predict(x), whole.predict(x))
    rows = _fed_shapes(cut)["sentences"][1] // encoder.config.sentence_len
    assert 1 < rows < encoder.config.sentences
    singles = np.concatenate(
        [cut.predict({k: v[i : i + 1] for k, v in x.items()}) for i in range(len(x["ngrams"]))]
    )
    np.testing.assert_array_equal(singles, cut.predict(x))
    # An empty text still runs one row.
    np.testing.assert_array_equal(
        cut.predict(encoder.encode([""])), whole.predict(encoder.encode([""]))
    )


def _n_outputs(model: TfliteModel) -> int:
    return len(model._interp.get_output_details())


def test_a_batch_gives_the_same_outputs_as_one_row_at_a_time(model, encoder):
    batch = model.predict(encoder.encode(TEXTS))
    assert _n_outputs(model) >= 1
    assert batch.shape == (len(TEXTS), _n_outputs(model))
    assert batch.dtype == np.float32
    assert np.isfinite(batch).all()
    singles = np.concatenate([model.predict(encoder.encode([t])) for t in TEXTS])
    np.testing.assert_allclose(batch, singles, atol=1e-6)
    # Back to the full batch after resizing to one row.
    np.testing.assert_allclose(model.predict(encoder.encode(TEXTS)), batch, atol=1e-6)


def test_columns_are_the_outputs_in_the_graphs_order(model, encoder):
    # Read the interpreter by hand: column k must be the output tensor named "...:k", whatever
    # order the interpreter lists its outputs in.
    x = encoder.encode(TEXTS[:1])
    got = model.predict(x)
    interp = TfliteModel(MODEL)._interp
    for detail in interp.get_input_details():
        interp.resize_tensor_input(detail["index"], x[input_name(detail["name"])].shape)
    interp.allocate_tensors()
    for detail in interp.get_input_details():
        interp.set_tensor(detail["index"], x[input_name(detail["name"])])
    interp.invoke()
    by_position = {}
    for detail in interp.get_output_details():
        by_position[int(detail["name"].rpartition(":")[2])] = _dequantize(
            interp.get_tensor(detail["index"]), detail
        ).reshape(-1)[0]
    assert sorted(by_position) == list(range(_n_outputs(model)))
    np.testing.assert_allclose(got[0], [by_position[k] for k in sorted(by_position)], atol=1e-6)


@pytest.mark.parametrize(("name", "position"), [("StatefulPartitionedCall:1", 1), ("out", 0)])
def test_output_position_is_the_converters_suffix(name, position):
    assert _output_position({"name": name}) == position


def test_output_steps_are_the_int8_steps_the_outputs_move_in(model, encoder):
    steps = np.asarray(model.output_steps)
    assert steps.shape == (_n_outputs(model),)
    assert (steps > 0).all(), "a full-int8 model has a step on every output"
    # Every output is (q - zero_point) * step for integers q and zero_point.
    outputs = model.predict(encoder.encode([*TEXTS, "zzqx", "", "the the the"]))
    in_steps = outputs / steps
    np.testing.assert_allclose(in_steps, np.round(in_steps), atol=1e-3)
    assert len(np.unique(outputs[:, 0])) > 1, "the outputs should vary with the text"


class _PublicOnly:
    """The interpreter without its private `_get_ops_details`, as a LiteRT release may ship it."""

    def __init__(self, interpreter) -> None:
        self.get_tensor_details = interpreter.get_tensor_details


class _FailingOps(_PublicOnly):
    def _get_ops_details(self):
        raise RuntimeError("op details are not available")


@pytest.mark.parametrize("stand_in", [_PublicOnly, _FailingOps])
def test_without_op_details_each_output_keeps_its_own_scale(monkeypatch, stand_in):
    runtime = TfliteModel(MODEL)
    own = tuple(float(out["quantization"][0]) for out in runtime._outputs)
    assert own != runtime.output_steps  # the shipped outputs are floats dequantized in the graph
    monkeypatch.setattr(runtime, "_interp", stand_in(runtime._interp))
    assert runtime.output_steps == own


def test_an_empty_batch_is_an_empty_answer_without_an_invoke(encoder):
    model = TfliteModel(MODEL)
    invoked: list[int] = []
    invoke = model._interp.invoke
    model._interp.invoke = lambda: invoked.append(1) or invoke()
    empty = {name: np.zeros((0, n), np.int32) for name, n in encoder.input_lengths.items()}
    answer = model.predict(empty)
    assert answer.shape == (0, _n_outputs(model))
    assert answer.dtype == np.float32
    assert invoked == []
    model.predict(encoder.encode(TEXTS[:1]))  # the recorder does see a real batch's invoke
    assert invoked == [1]


def test_bytes_and_path_load_the_same_model(model, encoder):
    x = encoder.encode(TEXTS[:2])
    np.testing.assert_array_equal(TfliteModel(MODEL.read_bytes()).predict(x), model.predict(x))


def test_a_file_that_is_not_a_model_is_a_runtime_error(tmp_path):
    with pytest.raises(ModelRuntimeError, match="cannot load TFLite model"):
        TfliteModel(b"not a flatbuffer at all")
    (tmp_path / "empty.tflite").write_bytes(b"")
    with pytest.raises(ModelRuntimeError):
        TfliteModel(tmp_path / "empty.tflite")


def test_a_missing_input_is_a_runtime_error_and_the_model_still_works(model, encoder):
    x = encoder.encode(TEXTS[:1])
    with pytest.raises(ModelRuntimeError, match="inference failed"):
        model.predict({"not_an_input": next(iter(x.values()))})
    assert model.predict(x).shape == (1, _n_outputs(model))


def test_concurrent_calls_of_different_sizes_each_get_their_own_answer(model, encoder):
    inputs = [encoder.encode(TEXTS[: n + 1]) for n in range(len(TEXTS))]
    expected = [model.predict(x) for x in inputs]
    failures: list[str] = []

    def worker(i: int) -> None:
        for _ in range(20):
            got = model.predict(inputs[i])
            if got.shape != expected[i].shape or not np.allclose(got, expected[i], atol=1e-6):
                failures.append(f"batch of {i + 1}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


@pytest.mark.parametrize(
    ("tensor", "name"),
    [("serving_default_words:0", "words"), ("ngrams:0", "ngrams"), ("words", "words")],
)
def test_input_names_lose_the_converters_decoration(tensor, name):
    assert input_name(tensor) == name


def test_int8_outputs_are_dequantized_and_floats_pass_through():
    raw = np.array([[-128], [0], [127]], dtype=np.int8)
    got = _dequantize(raw, {"quantization": (1 / 256, -128)})
    np.testing.assert_allclose(got.reshape(-1), [0.0, 0.5, 255 / 256])
    floats = np.array([[0.25]], dtype=np.float32)
    np.testing.assert_array_equal(_dequantize(floats, {"quantization": (0.0, 0)}), floats)
    assert _dequantize(floats, {}).dtype == np.float32
