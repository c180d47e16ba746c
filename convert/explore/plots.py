"""The exploration report's figures: one function per PNG, each taking plain numbers.

Figures are built as `matplotlib.figure.Figure` objects on an Agg canvas rather than through
pyplot, so no GUI backend is ever chosen and nothing global is left behind between figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from wordcloud import WordCloud

from convert.explore.stats import ClassStats, Coverage, IntArray

DPI = 100
CLASS_NAMES = ("negative", "positive")
# Okabe-Ito vermillion and blue: distinguishable with the common colour-vision deficiencies.
CLASS_COLOURS = ("#D55E00", "#0072B2")
WORDCLOUD_SEED = 7
# PNG metadata would otherwise carry the matplotlib version and churn the committed files.
_METADATA = {"Software": None}


def _figure(
    width: float, height: float, cols: int = 1, sharey: bool = False
) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, list(fig.subplots(1, cols, squeeze=False, sharey=sharey)[0])


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=DPI, metadata=_METADATA)
    return path


def class_balance(counts: Mapping[str, tuple[int, int]], path: Path) -> Path:
    fig, (ax,) = _figure(6, 3.5)
    x = np.arange(len(counts))
    for label in (0, 1):
        values = [pair[label] for pair in counts.values()]
        bars = ax.bar(x + (label - 0.5) * 0.4, values, 0.4, color=CLASS_COLOURS[label])
        bars.set_label(CLASS_NAMES[label])
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=2)
    ax.set_xticks(x, list(counts))
    ax.set_ylabel("reviews")
    ax.margins(y=0.3)  # headroom for the legend above the bar labels
    ax.legend(loc="upper center", ncols=2)
    return _save(fig, path)


def lengths(classes: Sequence[ClassStats], limits: Sequence[int], path: Path) -> Path:
    """Words as written (left) and tokens after the pipeline (right), per class."""
    fig, axes = _figure(11, 4, cols=2)
    panels = [
        ("words as written", [c.words for c in classes], ()),
        ("tokens after the pipeline", [c.tokens for c in classes], limits),
    ]
    for ax, (xlabel, per_class, marks) in zip(axes, panels, strict=True):
        _length_panel(ax, per_class, xlabel)
        for limit in marks:
            ax.axvline(limit, color="0.3", linewidth=1, linestyle=":")
            ax.annotate(f"{limit}", (limit, 1), xycoords=("data", "axes fraction"), ha="center")
    return _save(fig, path)


def _length_panel(ax: Axes, per_class: Sequence[IntArray], xlabel: str) -> None:
    # Cut at the 99th percentile: the longest reviews would otherwise squash the histogram.
    top = float(np.percentile(np.concatenate(per_class), 99))
    for label, values in enumerate(per_class):
        colour = CLASS_COLOURS[label]
        # Outlines, not filled bars: the classes overlap almost everywhere and fills hide that.
        clipped = np.minimum(values, top)
        name = CLASS_NAMES[label]
        ax.hist(clipped, bins=60, range=(0, top), histtype="step", color=colour, label=name)
        median, p90 = np.percentile(values, [50, 90])
        ax.axvline(median, color=colour, linewidth=1, label=f"{name} median")
        ax.axvline(p90, color=colour, linewidth=1, linestyle="--", label=f"{name} 90th pct")
    ax.set_xlabel(f"{xlabel} (cut at the 99th percentile)")
    ax.set_ylabel("reviews")
    ax.legend(fontsize="small")


def top_ngrams(per_class: Sequence[Sequence[tuple[str, int]]], title: str, path: Path) -> Path:
    fig, axes = _figure(11, 6, cols=2)
    for label, (ax, top) in enumerate(zip(axes, per_class, strict=True)):
        grams = [g for g, _ in top]
        ax.barh(grams, [c for _, c in top], color=CLASS_COLOURS[label])
        ax.invert_yaxis()  # most frequent at the top, where the eye starts
        ax.set_title(f"{CLASS_NAMES[label]} reviews")
        ax.set_xlabel("occurrences")
    fig.suptitle(title)
    return _save(fig, path)


def discriminative(per_class: Sequence[Sequence[tuple[str, float]]], path: Path) -> Path:
    """Diverging bars: negative cues point left, positive cues right."""
    fig, (ax,) = _figure(8, 9)
    neg, pos = per_class
    # Sorted by ratio from the bottom up: the strongest negative cue lowest, strongest positive top.
    rows = [*neg, *reversed(pos)]
    colours = [CLASS_COLOURS[0]] * len(neg) + [CLASS_COLOURS[1]] * len(pos)
    ax.barh([g for g, _ in rows], [r for _, r in rows], color=colours)
    ax.axvline(0, color="0.3", linewidth=1)
    ax.set_xlabel("log-count ratio (> 0: more common in positive reviews)")
    if neg and pos:
        ax.legend(handles=[ax.patches[0], ax.patches[-1]], labels=list(CLASS_NAMES))
    return _save(fig, path)


def wordcloud(frequencies: Mapping[str, float], label: int, path: Path) -> Path:
    cloud = WordCloud(
        # Matplotlib ships DejaVu Sans, so this never reaches for the network or the OS.
        font_path=font_manager.findfont("DejaVu Sans"),
        width=800,
        height=400,
        background_color="white",
        color_func=lambda *_args, **_kwargs: CLASS_COLOURS[label],
        random_state=WORDCLOUD_SEED,
        max_words=120,
        collocations=False,  # the frequencies already hold bigrams
    ).generate_from_frequencies(dict(frequencies))
    cloud.to_file(str(path))
    return path


def coverage(points: Sequence[Coverage], distinct: int, path: Path) -> Path:
    fig, (ax,) = _figure(7, 4)
    sizes = [p.size for p in points]
    for name, values, style in (
        ("training tokens", [p.train for p in points], "o-"),
        ("test tokens", [p.test for p in points], "s--"),
    ):
        ax.plot(sizes, [100 * v for v in values], style, label=name)
    ax.axvline(distinct, color="0.5", linewidth=1, linestyle=":", label="all training words")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{s // 1000}k" for s in sizes])
    ax.set_xlabel("vocabulary size (most frequent training words)")
    ax.set_ylabel("% of token occurrences kept")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return _save(fig, path)


def ratings(per_split: Mapping[str, tuple[Counter[int], Counter[int]]], path: Path) -> Path:
    fig, axes = _figure(10, 3.5, cols=len(per_split), sharey=True)
    stars = list(range(1, 11))
    for ax, (split, per_class) in zip(axes, per_split.items(), strict=True):
        bottom = np.zeros(len(stars))
        for label, counts in enumerate(per_class):
            values = np.array([counts.get(s, 0) for s in stars])
            shown = values > 0  # an empty bar still pins the y-axis limit at its bottom
            x = np.array(stars)[shown]
            colour, name = CLASS_COLOURS[label], CLASS_NAMES[label]
            ax.bar(x, values[shown], bottom=bottom[shown], color=colour, label=name)
            bottom += values
        ax.set_xticks(stars)
        ax.margins(y=0.1)
        ax.set_title(split)
        ax.set_xlabel("stars")
    axes[0].set_ylabel("reviews")
    axes[0].legend()
    return _save(fig, path)
