"""Hand-written short opinions (handwritten.tsv): a development signal scored beside the suite.

The suite's templates share their wording, so a model can learn their shape; these texts are
each written once, in the many forms people use. They are never training data and never the
judge: the held-out test split is. A text is on the right side when P(positive) is above 0.5
for a positive one and below it for a negative one; an answer is confident at ≤ 0.2 or ≥ 0.8.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from convert.behaviour.run import Scorer

PATH = Path(__file__).with_name("handwritten.tsv")
LABELS = ("positive", "negative")
FORMS = (
    "plain", "idiom", "question", "contrast", "negation", "temporal", "irony",
    "rating", "emoji", "hedge", "comparison", "multi", "entity",
)  # fmt: skip
HEADER = ("text", "label", "form")
CONFIDENT_MAX, CONFIDENT_MIN = 0.2, 0.8
EXAMPLES = 5


class HandwrittenError(ValueError):
    """The file breaks its format; the message names the line."""


@dataclass(frozen=True)
class Opinion:
    text: str
    label: str
    form: str


def load(path: Path = PATH) -> list[Opinion]:
    """The rows of `path`: '#' lines are comments, the first other line is the header."""
    rows: list[Opinion] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = tuple(line.split("\t"))
        if not header_seen:
            if fields != HEADER:
                raise HandwrittenError(f"{path}:{number}: expected the header {HEADER}")
            header_seen = True
            continue
        if len(fields) != 3 or fields[1] not in LABELS or fields[2] not in FORMS:
            raise HandwrittenError(f"{path}:{number}: not text<TAB>label<TAB>form of {FORMS}")
        if fields[0] != fields[0].strip() or not fields[0]:
            raise HandwrittenError(f"{path}:{number}: empty text or stray spaces")
        rows.append(Opinion(*fields))
    return rows


def fingerprint(path: Path = PATH) -> str:
    """The file's hash: recorded figures belong to one version of it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _right(o: Opinion, p: float) -> bool:
    return p > 0.5 if o.label == "positive" else p < 0.5


def _confident(p: float) -> bool:
    return p <= CONFIDENT_MAX or p >= CONFIDENT_MIN


def _shares(pairs: Sequence[tuple[Opinion, float]]) -> dict[str, Any]:
    return {
        "rows": len(pairs),
        "right": sum(_right(o, p) for o, p in pairs) / len(pairs),
        "confident": sum(_confident(p) for _, p in pairs) / len(pairs),
    }


def model_figures(version: str, opinions: Sequence[Opinion], scorer: Scorer) -> dict[str, Any]:
    """Right-side and confident shares overall, by label and by form; the surest wrong answers."""
    probs = [float(p) for p in scorer([o.text for o in opinions])]
    if len(probs) != len(opinions):
        raise ValueError(f"the scorer gave {len(probs)} answers for {len(opinions)} texts")
    pairs = list(zip(opinions, probs, strict=True))
    wrong = sorted(
        (pair for pair in pairs if not _right(*pair)), key=lambda pair: -abs(pair[1] - 0.5)
    )
    return {
        "model_version": version,
        **_shares(pairs),
        "labels": {k: _shares([x for x in pairs if x[0].label == k]) for k in LABELS},
        "forms": {k: _shares([x for x in pairs if x[0].form == k]) for k in FORMS},
        "worst": [
            {"text": o.text, "label": o.label, "form": o.form, "p": round(p, 4)}
            for o, p in wrong[:EXAMPLES]
        ],
    }


def figures(
    opinions: Sequence[Opinion],
    scorer: Scorer,
    version: str,
    previous: tuple[Scorer, str] | None = None,
    path: Path = PATH,
) -> dict[str, Any]:
    """The section of reports/behaviour.json: the file's identity, the model, the previous one."""
    return {
        "file": path.name,
        "fingerprint": fingerprint(path),
        "confident": [CONFIDENT_MAX, CONFIDENT_MIN],
        "model": model_figures(version, opinions, scorer),
        "previous": model_figures(previous[1], opinions, previous[0]) if previous else None,
    }


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def markdown(hw: Mapping[str, Any]) -> list[str]:
    """The report's section on the hand-written opinions, as lines."""
    model, previous = hw["model"], hw.get("previous")
    models = [model, previous] if previous else [model]
    labels = model["labels"]
    out = [
        "## Hand-written opinions (a development signal)",
        "",
        f"{model['rows']} short opinions ({labels['positive']['rows']} positive, "
        f"{labels['negative']['rows']} negative) written by hand for this project in "
        f"`convert/behaviour/{hw['file']}` (fingerprint `{hw['fingerprint'][:12]}`), each tagged "
        "with its form; not from a dataset or a template, and never training data. A signal while "
        "developing, not the judge (the held-out test split is): *right* is P(positive) on the "
        f"label's side of 0.5, *confident* is P(positive) ≤ {hw['confident'][0]} or "
        f"≥ {hw['confident'][1]}, right or wrong.",
        "",
    ]
    head = "| opinions | n |"
    for m in models:
        tag = " (previous)" if m is previous else ""
        head += f" right, `{m['model_version']}`{tag} | confident |"
    out += [head, "|---|---:|" + "---:|---:|" * len(models)]

    def row(name: str, pick: str, key: str | None) -> str:
        cells = [m if key is None else m[pick][key] for m in models]
        return f"| {name} | {cells[0]['rows']} |" + "".join(
            f" {_pct(c['right'])} | {_pct(c['confident'])} |" for c in cells
        )

    out.append(row("**all**", "", None))
    out += [row(f"label: {k}", "labels", k) for k in LABELS]
    out += [row(k, "forms", k) for k in FORMS]
    out += ["", f"The {EXAMPLES} surest wrong answers of `{model['model_version']}`:", ""]
    out += [f'- "{w["text"]}" ({w["form"]}, {w["label"]}) → {w["p"]:.2f}' for w in model["worst"]]
    return [*out, ""]
