"""What the API asks of a model (`Predictor`), and the LiteRT implementation the service ships.

The model folder holds the int8 model, the vocabularies and the manifest written beside them by
`convert/`; everything about the model (file names, hashes, input lengths, text settings) is read
from the manifest and checked at load, so a swapped or damaged file stops the service at start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from handler import constants
from handler.errors import ModelLoadError, ModelUnavailableError
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.features import Features, TextConfig
from handler.inference.manifest import Manifest
from handler.inference.runtime import ModelRuntimeError, TfliteModel
from handler.inference.word_lists import word_list_fingerprints

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt

# Occlusion scores one variant of the text per word; the cap bounds that batch (and the latency).
MAX_EXPLAINED_WORDS = 200


class Answer(NamedTuple):
    probability: float  # P(positive), calibrated
    words_used: int  # content words the model knows; 0 means it cannot judge the text


class Predictor(Protocol):
    """The model as the routes see it; tests substitute an in-memory fake."""

    @property
    def model_version(self) -> str: ...

    @property
    def manifest(self) -> Manifest: ...

    def predict(self, texts: Sequence[str]) -> list[Answer]:
        """The answer for each text, in order, from one model call."""
        ...

    def explain(self, text: str) -> tuple[Answer, list[tuple[str, float]]]:
        """The answer for `text` and (word, log-odds weight) for its first distinct known words."""
        ...


class LitePredictor:
    """The shipped int8 model on LiteRT; one interpreter per container, shared by all requests."""

    def __init__(self, manifest: Manifest, encoder: Encoder, model: bytes) -> None:
        self._manifest, self._encoder, self._model = manifest, encoder, model
        self._runtime = self._new_runtime()
        self._head = Head(**asdict(manifest.head)) if manifest.head else Head()
        self._steps = self._runtime.output_steps

    @classmethod
    def load(cls, model_dir: Path) -> LitePredictor:
        """Read and cross-check manifest, vocabulary and model; `ModelLoadError` names the file."""
        manifest = _read_manifest(model_dir / constants.MANIFEST_FILE)
        model = _verified_file(model_dir, manifest, "model")
        encoder = _encoder(model_dir, manifest, _verified_file(model_dir, manifest, "vocab"))
        try:
            predictor = cls(manifest, encoder, model)
        except ModelRuntimeError as exc:
            raise ModelLoadError(f"{manifest.file_path(model_dir, 'model')}: {exc}") from exc
        _check_inputs(predictor._runtime, manifest, model_dir)
        outputs = len(predictor._steps)
        if any(
            len(w) not in (1, outputs)
            for w in (predictor._head.weights, predictor._head.short_weights)
        ):
            raise ModelLoadError(
                f"{model_dir / constants.MANIFEST_FILE}: the head's weights do not fit the "
                f"model's {outputs} outputs"
            )
        return predictor

    @property
    def model_version(self) -> str:
        return self._manifest.model_version

    @property
    def manifest(self) -> Manifest:
        return self._manifest

    def predict(self, texts: Sequence[str]) -> list[Answer]:
        found = [self._encoder.text_words(t) for t in texts]
        return self.score_words([w for w, _ in found], [n for _, n in found])

    def score_words(
        self,
        word_lists: Sequence[Sequence[str]],
        lengths: Sequence[Sequence[int]] | None = None,
    ) -> list[Answer]:
        """Answers for texts already split by `handler.inference.text.words`; `lengths`: each
        text's tokens per sentence (`Encoder.text_words`), where the model reads sentences."""
        found = lengths if lengths is not None else [()] * len(word_lists)
        return self._score(
            [self._encoder.featurize(w, n) for w, n in zip(word_lists, found, strict=True)]
        )

    def _score(self, texts: Sequence[Features]) -> list[Answer]:
        known = [len(self._encoder.known(f)) for f in texts]
        outputs = self._run(self._encoder.encode_features(texts))
        probs = self._head.probabilities(outputs, known)
        return [Answer(float(p), n) for p, n in zip(probs, known, strict=True)]

    def explain(self, text: str) -> tuple[Answer, list[tuple[str, float]]]:
        """Occlusion in log-odds: how much the logit falls when every copy of a word is deleted.

        Log-odds, not probability: near 0 or 1 a probability barely moves, whatever the word.
        """
        encoder = self._encoder
        full = encoder.featurize(*encoder.text_words(text))
        known = encoder.known(full)
        # Words as typed ("isn't", "graet"), each deleted with whatever the model read for it.
        read_known = set(known)
        explained = [
            t for t in dict.fromkeys(full.typed) if read_known.intersection(encoder.read(t))
        ][:MAX_EXPLAINED_WORDS]
        # A deleted word can open or close a negation's scope: each variant is marked anew.
        variants = [full, *(encoder.featurize(*full.without(word)) for word in explained)]
        outputs = self._run(encoder.encode_features(variants))
        # Every variant through the full text's head: the weight is the word's effect alone.
        z = self._head.logits(outputs, [len(known)] * len(variants))
        # A change below one int8 step of an output is rounding, not evidence: it is reported as 0.
        resolution = self._head.resolution(self._steps, len(known))
        weights = [
            (word, float(z[0] - zi) if abs(z[0] - zi) > resolution else 0.0)
            for word, zi in zip(explained, z[1:], strict=True)
        ]
        return Answer(float(1.0 / (1.0 + np.exp(-z[0]))), len(known)), weights

    def _run(self, inputs: Mapping[str, npt.NDArray[np.int32]]) -> npt.NDArray[np.float32]:
        try:
            return self._runtime.predict(inputs)
        except ModelRuntimeError as exc:
            # A failed invoke may leave tensors half-resized: the next request gets a fresh
            # interpreter instead of inheriting the damage.
            self._runtime = self._new_runtime()
            raise ModelUnavailableError() from exc

    def _new_runtime(self) -> TfliteModel:
        return TfliteModel(self._model, units=self._encoder.input_units)


def _read_manifest(path: Path) -> Manifest:
    manifest = Manifest.read(path)
    # An earlier model's manifest records no fingerprints (`make compare` loads one): it is
    # served as before. One that records them must match, or its features would not mean what
    # the model learned.
    if manifest.fingerprints is not None:
        differing = manifest.differing_word_lists(word_list_fingerprints(manifest.text))
        if differing:
            raise ModelLoadError(
                f"{path}: the code's word lists differ from the model's: {', '.join(differing)}"
            )
    return manifest


def _verified_file(model_dir: Path, manifest: Manifest, kind: str) -> bytes:
    path = manifest.file_path(model_dir, kind)
    expected = manifest.files[kind].sha256
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read the {kind} file ({exc.strerror})") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelLoadError(
            f"{path}: sha256 {actual[:12]}... does not match the manifest's {expected[:12]}..."
        )
    return data


def _encoder(model_dir: Path, manifest: Manifest, vocab: bytes) -> Encoder:
    path = manifest.file_path(model_dir, "vocab")
    try:
        encoder = Encoder.from_bytes(vocab, verified=True)  # _verified_file checked its sha256
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelLoadError(f"{path}: not a vocabulary this service can read ({exc})") from None
    sizes = {"words": len(encoder.words), "ngrams": len(encoder.grams or ())}
    if encoder.config != TextConfig(**asdict(manifest.text)):
        raise ModelLoadError(f"{path}: its text settings differ from the manifest's")
    if encoder.input_lengths != dict(manifest.inputs):
        raise ModelLoadError(f"{path}: its inputs differ from the manifest's")
    if any(sizes[name] != size for name, size in manifest.vocab_sizes.items() if size):
        raise ModelLoadError(f"{path}: its vocabulary sizes differ from the manifest's")
    # Without them every rare word of the training reviews would be read as a vocabulary word one
    # slip away: a file cut short, not a model trained that way (training lists every word it read).
    if encoder.config.spelling and not encoder.seen:
        raise ModelLoadError(f"{path}: spelling is on but the vocabulary lists no seen words")
    return encoder


def _check_inputs(runtime: TfliteModel, manifest: Manifest, model_dir: Path) -> None:
    # A model that takes any length reads inputs of the manifest's lengths, or shorter.
    found = {name: runtime.input_length(name) for name in runtime.input_names}
    expected = dict(manifest.inputs)
    if found.keys() != expected.keys() or any(
        length not in (None, expected[name]) for name, length in found.items()
    ):
        path = manifest.file_path(model_dir, "model")
        raise ModelLoadError(f"{path}: model inputs {found} differ from the manifest's {expected}")
    if dict(manifest.labels) != {label: i for i, label in enumerate(constants.LABELS)}:
        raise ModelLoadError(f"{model_dir / constants.MANIFEST_FILE}: unexpected labels")
