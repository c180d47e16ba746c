"""The results page's figures: accuracy bars, training curves, confusion matrix, reliability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from convert.reports.names import NAMES, PUBLISHED, SENTENCE_NAMES, SERVED


def draw_all(results: dict[str, Any], figures: Path) -> None:
    """Every PNG the page links to, under `figures` (reports/results/)."""
    figures.mkdir(parents=True, exist_ok=True)
    runs = results["runs"]
    _bar_chart(runs, results["manifest"], figures / "accuracy.png")
    _curves(runs, figures / "curves.png")
    _confusion(results["confusion_int8"], figures / "confusion.png")
    _reliability(results["evaluation"], figures / "reliability.png")


def _test_rows(
    runs: dict[str, dict[str, Any]], man: dict[str, Any]
) -> list[tuple[str, float, str]]:
    rows = [
        (NAMES.get(name, name), r["test"]["accuracy"], "measured")
        for name, r in runs.items()
        if r.get("test") and name != SERVED
    ]
    scores = man["metrics"]["scores"]
    rows += [
        ("Served model, Keras float32", scores["keras"]["accuracy"], "measured"),
        ("Served model, float32 TFLite", scores["float_tflite"]["accuracy"], "measured"),
        ("Served model, int8 TFLite (what the API runs)", scores["int8"]["accuracy"], "served"),
    ]
    return rows + [(f"{name} [published]", acc, "published") for name, acc in PUBLISHED]


def _bar_chart(runs: dict[str, dict[str, Any]], man: dict[str, Any], path: Path) -> None:
    rows = sorted(_test_rows(runs, man), key=lambda r: r[1])
    colors = {"measured": "#4c72b0", "served": "#2a9d50", "published": "#b0b0b0"}
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(rows) + 1))
    ax.barh([r[0] for r in rows], [r[1] * 100 for r in rows], color=[colors[r[2]] for r in rows])
    for i, r in enumerate(rows):
        ax.text(r[1] * 100 + 0.1, i, f"{r[1] * 100:.2f}", va="center", fontsize=8)
    ax.set_xlim(85, 95)
    ax.set_xlabel("IMDb test accuracy (%)")
    ax.set_title("Measured here (blue; served model green) vs published (grey)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _curves(runs: dict[str, dict[str, Any]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for r in runs.values():
        acc = r.get("history", {}).get("val_accuracy")
        if acc:
            ax.plot(
                range(1, len(acc) + 1),
                [a * 100 for a in acc],
                marker="o",
                label=NAMES.get(r["name"], r["name"]),
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy (%)")
    ax.set_title("Training curves (validation split of train; early stopping keeps the best epoch)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _confusion(matrix: list[list[int]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4, 3.6))
    ax.imshow(matrix, cmap="Blues")
    for i in range(2):
        for j in range(2):
            ax.text(j, i, f"{matrix[i][j]:,}", ha="center", va="center", color="black", fontsize=11)
    ax.set_xticks([0, 1], ["negative", "positive"])
    ax.set_yticks([0, 1], ["negative", "positive"])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Served int8 model, 25,000 test reviews", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _reliability(evaluation: dict[str, Any], path: Path) -> None:
    """Reliability diagram: mean predicted P(positive) against the share positive, per bin."""
    sets = {"IMDb test reviews": evaluation["test"]}
    sets |= {SENTENCE_NAMES[k]: v for k, v in evaluation["sentences"].items()}
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="0.6", linestyle=":", label="perfect calibration")
    for name, s in sets.items():
        rows = s["reliability"]
        ax.plot(
            [r["mean_probability"] for r in rows],
            [r["positive_share"] for r in rows],
            marker="o",
            label=f"{name} (ECE {s['ece']:.3f})",
        )
    ax.set_xlabel("mean predicted P(positive) in the bin")
    ax.set_ylabel("share actually positive")
    ax.set_title("Served int8 model: reliability (10 equal-width bins)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
