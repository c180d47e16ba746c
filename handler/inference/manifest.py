"""The model manifest (`manifest.json`) as one typed, frozen value, checked field by field.

`convert/` writes it beside the model; the service, infra, the benchmark and `convert/` itself
read it through `Manifest.read`, so a missing or mistyped field is one `ModelLoadError` naming
the field, wherever it is read. Besides the files' hashes it records a fingerprint of every word
list the features depend on (`handler.inference.word_lists`): editing a list in code changes
what the shipped model reads, so the predictor refuses a model whose lists differ from the
code's. The evidence parts (metrics, training, versions) are free-form JSON objects, kept as
written.

Standard library only: infra reads the model version here, and `cdk synth` must not load numpy
(tests/test_imports.py). So the head and the text settings are mirrors of `Head` and
`TextConfig` (the same fields and defaults, which a test holds them to), not those classes.

Earlier models' manifests (`make compare` reads them from git) lack what was added since: the
head and output steps (None), text settings (their defaults, which are what those models did)
and the fingerprints (None: such a manifest cannot say which lists its model was trained on).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

from handler.errors import ModelLoadError

Json = Mapping[str, Any]
_SIDES = ("pre", "post")


@dataclass(frozen=True)
class FileEntry:
    """A file the model folder ships, as the manifest pins it."""

    name: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class HeadParams:
    """The head's weights (`handler.inference.calibration.Head`: same fields, same defaults)."""

    weights: tuple[float, ...] = (1.0,)
    bias: float = 0.0
    short_weights: tuple[float, ...] = (1.0,)
    short_bias: float = 0.0
    short_words: int = 0


@dataclass(frozen=True)
class TextSettings:
    """How text becomes inputs (`handler.inference.encoder.TextConfig`: same fields, defaults)."""

    seq_len: int = 400
    ngram_len: int = 0
    ngram_order: int = 3
    padding: Literal["pre", "post"] = "pre"
    truncating: Literal["pre", "post"] = "post"
    ngram_stopwords: bool = False
    marks: bool = False
    sentences: int = 0
    sentence_len: int = 0
    contractions: bool = False
    spelling: bool = False


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """Everything `manifest.json` holds; `to_json()` gives back exactly what `from_json` read
    (for a manifest as `convert/` writes it now)."""

    model_version: str
    architecture: str
    quantization: str
    files: Mapping[str, FileEntry]  # "model" and "vocab"
    inputs: Mapping[str, int]  # input name -> length in ids
    labels: Mapping[str, int]  # label -> output index
    text: TextSettings
    vocab_sizes: Mapping[str, int]
    head: HeadParams | None = None  # None: the model's output is the probability itself
    output_steps: tuple[float, ...] | None = None  # one int8 step of each model output
    metrics: Json
    sizes_bytes: Mapping[str, int]
    training: Json
    versions: Mapping[str, str]
    # word list name -> sha256; None in manifests written before the lists were fingerprinted.
    fingerprints: Mapping[str, str] | None = None

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at `path`; `ModelLoadError` names the file and the field at fault."""
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise ModelLoadError(f"{path}: model manifest not found") from None
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"{path}: cannot read the manifest ({exc})") from None
        return cls.from_json(data, source=str(path))

    @classmethod
    def from_json(cls, data: Any, source: str = "manifest") -> Manifest:
        """The manifest from parsed JSON; `source` prefixes the error messages."""
        f = _Fields(source)
        obj = f.object(data, "")
        files = f.object(f.get(obj, "files"), "files")
        for kind in ("model", "vocab"):
            f.get(files, kind, "files")
        head, steps, fingerprints = (obj.get(k) for k in ("head", "output_steps", "fingerprints"))
        return cls(
            model_version=f.string(f.get(obj, "model_version"), "model_version"),
            architecture=f.string(f.get(obj, "architecture"), "architecture"),
            quantization=f.string(f.get(obj, "quantization"), "quantization"),
            files={kind: f.file(files[kind], f"files.{kind}") for kind in files},
            inputs=f.ints(f.get(obj, "inputs"), "inputs"),
            labels=f.ints(f.get(obj, "labels"), "labels"),
            text=f.flat(TextSettings, f.get(obj, "text"), "text"),
            vocab_sizes=f.ints(f.get(obj, "vocab_sizes"), "vocab_sizes"),
            head=None if head is None else f.flat(HeadParams, head, "head"),
            output_steps=None if steps is None else f.numbers(steps, "output_steps"),
            metrics=copy.deepcopy(dict(f.object(f.get(obj, "metrics"), "metrics"))),
            sizes_bytes=f.ints(f.get(obj, "sizes_bytes"), "sizes_bytes"),
            training=copy.deepcopy(dict(f.object(f.get(obj, "training"), "training"))),
            versions=f.strings(f.get(obj, "versions"), "versions"),
            fingerprints=None if fingerprints is None else f.strings(fingerprints, "fingerprints"),
        )

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON values (lists, not tuples), keys sorted as the file writes them."""
        obj: dict[str, Any] = {
            "architecture": self.architecture,
            "files": {kind: _sorted(asdict(e)) for kind, e in sorted(self.files.items())},
            "inputs": dict(self.inputs),
            "labels": dict(self.labels),
            "metrics": copy.deepcopy(dict(self.metrics)),
            "model_version": self.model_version,
            "quantization": self.quantization,
            "sizes_bytes": dict(self.sizes_bytes),
            "text": _sorted(asdict(self.text)),
            "training": copy.deepcopy(dict(self.training)),
            "versions": dict(self.versions),
            "vocab_sizes": dict(self.vocab_sizes),
        }
        if self.head is not None:
            obj["head"] = _sorted(asdict(self.head))
        if self.output_steps is not None:
            obj["output_steps"] = list(self.output_steps)
        if self.fingerprints is not None:
            obj["fingerprints"] = dict(self.fingerprints)
        return dict(sorted(obj.items()))

    def write(self, path: Path) -> None:
        """Write the manifest as `convert/` always has: two-space indents, sorted keys."""
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n")

    def file_path(self, model_dir: Path, kind: str) -> Path:
        """Where the `kind` file ("model" or "vocab") lies in `model_dir`."""
        return model_dir / self.files[kind].name

    def differing_word_lists(self, current: Mapping[str, str]) -> list[str]:
        """Names of the word lists whose fingerprint here is not `current`'s (or is missing)."""
        recorded = self.fingerprints or {}
        return sorted(k for k in {*recorded, *current} if recorded.get(k) != current.get(k))


def _sorted(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(obj.items())}


class _Fields:
    """Checks one JSON value at a time; each error names `source` and the dotted field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, where: str, problem: str) -> ModelLoadError:
        return ModelLoadError(f"{self.source}: field '{where}' {problem}")

    def get(self, obj: Json, key: str, parent: str = "") -> Any:
        if key not in obj:
            raise self.error(f"{parent}.{key}" if parent else key, "is missing")
        return obj[key]

    def object(self, value: Any, where: str) -> Json:
        if not isinstance(value, dict):
            raise self.error(where or "(top level)", "must be a JSON object")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.error(where, "must be a string")
        return value

    def integer(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(where, "must be an integer")
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(where, "must be a number")
        return value

    def ints(self, value: Any, where: str) -> dict[str, int]:
        obj = self.object(value, where)
        return {k: self.integer(v, f"{where}.{k}") for k, v in obj.items()}

    def strings(self, value: Any, where: str) -> dict[str, str]:
        obj = self.object(value, where)
        return {k: self.string(v, f"{where}.{k}") for k, v in obj.items()}

    def numbers(self, value: Any, where: str) -> tuple[float, ...]:
        if not isinstance(value, list):
            raise self.error(where, "must be a list of numbers")
        return tuple(self.number(v, f"{where}[{i}]") for i, v in enumerate(value))

    def file(self, value: Any, where: str) -> FileEntry:
        obj = self.object(value, where)
        return FileEntry(
            name=self.string(self.get(obj, "name", where), f"{where}.name"),
            sha256=self.string(self.get(obj, "sha256", where), f"{where}.sha256"),
            bytes=self.integer(self.get(obj, "bytes", where), f"{where}.bytes"),
        )

    def flat(self, cls: Any, value: Any, where: str) -> Any:
        """A flat frozen dataclass (`HeadParams`, `TextSettings`), each value typed like its
        default; an absent field keeps its default (fields come with the old behaviour as it)."""
        obj = self.object(value, where)
        known = {f.name: f.default for f in fields(cls)}
        found: dict[str, Any] = {}
        for name, v in obj.items():
            at = f"{where}.{name}"
            if name not in known:
                raise self.error(at, "is not one this service reads")
            default = known[name]
            if isinstance(default, bool):
                if not isinstance(v, bool):
                    raise self.error(at, "must be true or false")
                found[name] = v
            elif isinstance(default, int):
                found[name] = self.integer(v, at)
            elif isinstance(default, float):
                found[name] = self.number(v, at)
            elif isinstance(default, tuple):
                found[name] = self.numbers(v, at)
            elif name in ("padding", "truncating"):
                if v not in _SIDES:
                    raise self.error(at, "must be 'pre' or 'post'")
                found[name] = v
            else:
                found[name] = self.string(v, at)
        return cls(**found)
