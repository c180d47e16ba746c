"""A thin, thread-safe wrapper over the TFLite interpreter: LiteRT first, tflite_runtime second.

Used by the service (through `handler.inference.predictor`) and by `convert/` to evaluate the exported
models, so both measure exactly the same runtime.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt

try:  # LiteRT is the maintained successor of tflite_runtime (which stopped at 2.14).
    from ai_edge_litert.interpreter import Interpreter
except ImportError:  # pragma: no cover - exercised only where just tflite_runtime is installed
    from tflite_runtime.interpreter import Interpreter


class ModelRuntimeError(RuntimeError):
    """The interpreter could not load the model or failed while running it."""


class TfliteModel:
    """One interpreter, invoked on whole batches; a lock makes it safe under concurrent requests.

    An input the model takes at any length is cut to what the batch fills: its trailing padding
    (id 0) goes, in whole `units` (a sentence row of the sentence input), so a one-line text
    runs one row, not 32. Padding adds nothing to the answer (the graph masks it), so the cut
    changes no output; inputs without a unit are fed whole.
    """

    def __init__(
        self, model: Path | bytes, num_threads: int = 1, units: Mapping[str, int] | None = None
    ) -> None:
        try:
            if isinstance(model, bytes):
                self._interp = Interpreter(model_content=model, num_threads=num_threads)
            else:
                self._interp = Interpreter(model_path=str(model), num_threads=num_threads)
            self._inputs = {input_name(d["name"]): d for d in self._interp.get_input_details()}
            # A model that takes any length is sized by its first batch: its placeholder shape
            # (one id) may not even reshape into a sentence row.
            fixed = all(self.input_length(name) is not None for name in self._inputs)
            if fixed:
                self._interp.allocate_tensors()
        except (ValueError, RuntimeError) as exc:
            raise ModelRuntimeError(f"cannot load TFLite model: {exc}") from exc
        # In the graph's own output order: converters name output k "...:k".
        self._outputs = sorted(self._interp.get_output_details(), key=_output_position)
        self._units = {
            name: unit
            for name, unit in (units or {}).items()
            if name in self._inputs and self.input_length(name) is None
        }
        # A fixed model is allocated at its own shapes; one of any length has none until fed.
        self._shapes: dict[str, tuple[int, ...]] = (
            {name: tuple(int(n) for n in d["shape"]) for name, d in self._inputs.items()}
            if fixed
            else {}
        )
        self._lock = threading.Lock()

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._inputs))

    def input_length(self, name: str) -> int | None:
        """The length the model fixes for input `name`; None where it takes any length."""
        length = int(self._inputs[name]["shape_signature"][1])
        return None if length < 0 else length

    def fed(self, inputs: Mapping[str, npt.NDArray[np.int32]]) -> dict[str, npt.NDArray[np.int32]]:
        """The inputs as `predict` feeds them to the interpreter: padding cut where it may be."""
        return {
            name: without_padding(inputs[name], self._units[name])
            if name in self._units
            else inputs[name]
            for name in self._inputs
        }

    def predict(self, inputs: Mapping[str, npt.NDArray[np.int32]]) -> npt.NDArray[np.float32]:
        """The model's outputs from a single invoke: one row per input row, one column per output.

        The served graph ends in two partial logits, each int8 with its own scale, which the
        service mixes in float (`handler.inference.calibration.Head`).
        """
        n = len(next(iter(inputs.values())))
        if n == 0:
            return np.zeros((0, len(self._outputs)), dtype=np.float32)
        with self._lock:
            try:
                fed = self.fed(inputs)
                shapes = {name: ids.shape for name, ids in fed.items()}
                if shapes != self._shapes:
                    for name, detail in self._inputs.items():
                        self._interp.resize_tensor_input(detail["index"], list(shapes[name]))
                    self._interp.allocate_tensors()
                    self._shapes = shapes
                for name, detail in self._inputs.items():
                    self._interp.set_tensor(
                        detail["index"], np.ascontiguousarray(fed[name], dtype=detail["dtype"])
                    )
                self._interp.invoke()
                parts = [
                    _dequantize(self._interp.get_tensor(out["index"]), out).reshape(n)
                    for out in self._outputs
                ]
            except (ValueError, RuntimeError, KeyError) as exc:
                raise ModelRuntimeError(f"inference failed: {exc}") from exc
        return np.stack(parts, axis=1).astype(np.float32)

    @property
    def output_steps(self) -> tuple[float, ...]:
        """Each output's int8 step: the resolution of the answer (0.0 for a float result).

        A float output dequantized inside the graph has no scale of its own; its step is that of
        the int8 tensor the DEQUANTIZE op reads. The interpreter names an op's tensors only
        through its private `_get_ops_details()`; where that is missing, each output keeps its
        own scale (0.0 for a float one: no rounding is then taken out of explanations).
        """
        tensors = self._interp.get_tensor_details()
        source = {
            op["outputs"][0]: op["inputs"][0]
            for op in _ops_details(self._interp)
            if op.get("op_name") == "DEQUANTIZE"
        }
        return tuple(
            float(tensors[source.get(out["index"], out["index"])]["quantization"][0])
            for out in self._outputs
        )


def without_padding(ids: npt.NDArray[np.int32], unit: int) -> npt.NDArray[np.int32]:
    """`ids` (rows x length) without the padding after the last id of any row, cut in whole
    `unit`s; at least one unit is left, so an empty text is still a row."""
    filled = np.flatnonzero(ids.any(axis=0))
    width = int(filled[-1]) + 1 if filled.size else 1
    return ids[:, : -(-width // unit) * unit]


def _ops_details(interpreter: Any) -> list[dict[str, Any]]:
    """Every op's name and tensors, or none where this interpreter does not tell them."""
    ops = getattr(interpreter, "_get_ops_details", None)  # private: a release may drop it
    try:
        return list(ops()) if callable(ops) else []
    except (RuntimeError, ValueError):
        return []


def _output_position(detail: Mapping[str, Any]) -> int:
    _, _, position = str(detail["name"]).rpartition(":")
    return int(position) if position.isdigit() else 0


def input_name(tensor_name: str) -> str:
    # Converters name inputs like "serving_default_words:0"; the pipeline names them "words".
    base = tensor_name.split(":")[0]
    return base.removeprefix("serving_default_")


def _dequantize(raw: npt.NDArray[Any], detail: Mapping[str, Any]) -> npt.NDArray[np.float32]:
    scale, zero = detail.get("quantization", (0.0, 0))
    if raw.dtype in (np.int8, np.uint8) and scale:
        return np.asarray((raw.astype(np.float32) - zero) * scale, dtype=np.float32)
    return np.asarray(raw, dtype=np.float32)
