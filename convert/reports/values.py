"""The figures the goals table compares: this model's, the previous model's, and the behaviour
suite's fail rates, each read from what the pipeline and `make behaviour` recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def behaviour_rows(path: Path) -> dict[str, dict[str, float | None]]:
    """Fail rate per capability from `make behaviour`'s figures, with the previous model's."""
    if not path.is_file():
        return {}
    found = json.loads(path.read_text())
    now = found["model"]["capabilities"]
    before = (found.get("previous") or {}).get("capabilities", {})
    return {c: {"fail_rate": r, "previous": before.get(c)} for c, r in now.items()}


def goal_values(results: dict[str, Any]) -> dict[str, float]:
    """This model's figure for each goal of `convert.evaluate.goals` that results.json holds."""
    man, ev = results["manifest"], results["evaluation"]
    m, sizes = man["metrics"], man["sizes_bytes"]
    agree = m["agreement_with_keras"]["int8"]
    found = {
        "test_int8": m["scores"]["int8"]["accuracy"],
        **{f"sentences.{k}": v["accuracy"] for k, v in ev["sentences"].items()},
        "ece.test": ev["test"]["ece"],
        "ece.sentences": max(v["ece"] for v in ev["sentences"].values()),
        "distinct": ev["distinct_probabilities"],
        "exact_half": ev["exact_half"],
        "faithfulness": _faithfulness(ev),
        "model_bytes": sizes["int8_tflite"],
        "train_seconds": results["train_seconds"],
        "label_agreement": agree["label_agreement"],
        "mean_abs_dp": agree["mean_abs_dp"],
        "accuracy_drop": m["scores"]["keras"]["accuracy"] - m["scores"]["int8"]["accuracy"],
    }
    cost = results.get("previous", {}).get("cost")
    if cost:
        found["compute_ratio"] = cost["ms_now"] / cost["ms_before"]
    return found


def previous_values(prev: dict[str, Any]) -> dict[str, float]:
    """The previous model's figures: its manifest's evaluation, as `make compare` recorded it."""
    ev = prev.get("evaluation")
    if not ev:
        return {}
    return {
        "test_int8": ev["test"]["accuracy"],
        **{f"sentences.{k}": v["accuracy"] for k, v in ev["sentences"].items()},
        "ece.test": ev["test"]["ece"],
        "ece.sentences": max(v["ece"] for v in ev["sentences"].values()),
        "distinct": ev["distinct_probabilities"],
        "faithfulness": _faithfulness(ev),
        **({"model_bytes": prev["model_bytes"]} if "model_bytes" in prev else {}),
        **({"compute_ratio": 1.0} if prev.get("cost") else {}),
    }


def _faithfulness(ev: dict[str, Any]) -> float:
    """How much more P(label) falls when the top 20% explained words go than random ones."""
    reviews = ev["faithfulness"]["validation reviews"]
    return float(reviews["top_words_fall"] - reviews["random_words_fall"])
