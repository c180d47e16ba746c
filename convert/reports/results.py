"""Render reports/results.md and its figures from reports/results.json (written by the pipeline).

The page is built section by section, each a function of the recorded figures that returns its
lines; `render` joins them in the page's order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from convert.evaluate import goals
from convert.reports import model_card
from convert.reports.figures import draw_all
from convert.reports.names import NAMES, PUBLISHED, SENTENCE_NAMES, SERVED, fmt_mb, pct
from convert.reports.values import behaviour_rows, goal_values, previous_values
from handler.constants import MODEL_CARD_FILE
from handler.inference.paths import MODEL_DIR

Runs = dict[str, dict[str, Any]]


def render(results_path: Path, out_dir: Path) -> Path:
    """Write results.md, its figures and the model card, all under `out_dir` (reports/)."""
    results = json.loads(results_path.read_text())
    results["behaviour"] = behaviour_rows(out_dir / "behaviour.json")
    draw_all(results, out_dir / "results")
    (out_dir / MODEL_CARD_FILE).write_text(model_card.render(results))
    out = out_dir / "results.md"
    out.write_text(_markdown(results))
    return out


def ship_card(out_dir: Path, model_dir: Path = MODEL_DIR) -> Path:
    """The model card travels with the model: copy the rendered one into the model folder (the
    commands that change the shipped model's figures call this; rendering never does)."""
    target = model_dir / MODEL_CARD_FILE
    target.write_text((out_dir / MODEL_CARD_FILE).read_text())
    return target


def _goal(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _markdown(results: dict[str, Any]) -> str:
    runs, ev = results["runs"], results["evaluation"]
    lines = [
        *_summary(results),
        *_goals_table(results),
        *_behaviour_table(results.get("behaviour") or {}),
        *_every_model(runs, ev),
        *_short_text(ev, results.get("previous", {})),
        *_by_length(ev),
        *_explanations(ev["faithfulness"]),
        *_variants(results["manifest"], ev),
        "## Published figures (not re-run here)",
        "",
        *[f"- {name}: {acc * 100:.2f}%" for name, acc in PUBLISHED],
        "",
        "Reproduce: `make train`, then `make results` to redraw this page.",
        "",
    ]
    return "\n".join(lines)


def _summary(results: dict[str, Any]) -> list[str]:
    """The title, what the API serves with its headline figures, and the protocol."""
    man, ev = results["manifest"], results["evaluation"]
    int8 = man["metrics"]["scores"]["int8"]["accuracy"]
    nb = results["runs"]["nb_lr"]["test"]["accuracy"]
    imdb_sentences = ev["sentences"]["imdb"]["accuracy"]
    w2v = results["word2vec"]
    return [
        "# Results: baselines, RNN, CNN and RCNN on IMDb, and the served model",
        "",
        f"The API serves **{man['model_version']}**: a sentence CNN that reads every token of each "
        "sentence in order and answers for a review with an attention pooling of its sentences' "
        "scores, and a naive-Bayes-weighted logistic regression over 1-3-grams of every word, each "
        "trained on whole reviews and on 1-2-sentence spans cut from them (the CNN also on "
        "counterfactuals of training sentences), in one graph quantized to int8 "
        "whose two logits the service mixes and calibrates in float. On the 25,000 "
        f"test reviews it scores **{pct(int8)}** ({(int8 - nb) * 100:+.2f} points against the "
        f"NB-LR baseline's {pct(nb)}); on 1,000 IMDb sentences **{pct(imdb_sentences)}**; "
        f"in a {fmt_mb(man['sizes_bytes']['int8_tflite'])} file. The [model card](model-card.md) says what it is "
        "for and where it fails.",
        "",
        "Protocol: vocabularies and weights from 20,000 training reviews; every choice made on a "
        "seeded, class-balanced validation split of 5,000 training reviews whose movies never "
        "appear in those 20,000 (the test set shares no movie with train), or on the Amazon and Yelp "
        "sentences, which share nothing with IMDb. The served model's branches were then retrained "
        "on all 25,000 training reviews for the epochs chosen on validation; the head for reviews "
        "(two weights and a bias) comes from validation, the head for short texts from the Amazon "
        "and Yelp sentences (so their figures below are fitted, not held out). Each final "
        "model met the IMDb test set and the IMDb sentences (cut from test reviews) once. Word vectors "
        "were pretrained on the 50,000 unlabelled reviews plus the training text, never the test text "
        f"({w2v['vectors']:,} vectors, {w2v['coverage']:.1%} of the "
        f"served vocabulary). `make train` took {results['train_seconds'] / 60:.0f} minutes here.",
        "",
    ]


def _goals_table(results: dict[str, Any]) -> list[str]:
    """Each goal of `convert.evaluate.goals` that the results hold, the previous model beside."""
    lines = [
        "## Goals (issue 23: no regression against the model this one replaced)",
        "",
        "The previous model's figures are its own manifest's (measured when it was exported) and, "
        "for cost, the side-by-side run of `make compare`.",
        "",
        "| goal | target | previous model | this model | |",
        "|---|---|---|---|---|",
    ]
    now, before = goal_values(results), previous_values(results.get("previous", {}))
    for goal in goals.ACCURACY:
        if goal.key not in now:
            continue
        old = goal.show(before[goal.key]) if goal.key in before else "-"
        value = now[goal.key]
        lines.append(
            f"| {goal.label} | {goal.target} | {old} | {goal.show(value)} | {_goal(goal.met(value))} |"
        )
    for goal in goals.PARITY:
        value = now[goal.key]
        lines.append(
            f"| {goal.label} | {goal.target} | - | {goal.show(value)} | {_goal(goal.met(value))} |"
        )
    return lines


def _behaviour_table(behaviour: dict[str, dict[str, Any]]) -> list[str]:
    """Our suite's fail rate per capability; nothing when `make behaviour` has not run."""
    if not behaviour:
        return []
    lines = [
        "",
        "## Behaviour: our suite ([behaviour.md](behaviour.md)), fail rate per capability",
        "",
        "The goal stands on the held-out published suite (below both anchors there); these "
        "figures are our own movie-domain suite, the previous model beside this one.",
        "",
        "| capability | goal (held-out suite) | previous model | this model |",
        "|---|---|---|---|",
    ]
    targets = {g.key: g.target for g in goals.BEHAVIOUR}
    for cap, row in behaviour.items():
        old = row["previous"]
        lines.append(
            f"| {cap} | {targets.get(cap, '-')} | {'-' if old is None else pct(old)} | "
            f"{pct(row['fail_rate'])} |"
        )
    return lines


def _every_model(runs: Runs, ev: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "![Test accuracy](results/accuracy.png)",
        "",
        "## Every model",
        "",
        "| model | validation acc. | test acc. | test macro F1 | parameters | train time | ms/review |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        val = pct(r["val"]["accuracy"]) if r.get("val") else "-"
        test = pct(r["test"]["accuracy"]) if r.get("test") else "-"
        f1 = f"{r['test']['macro_f1']:.4f}" if r.get("test") else "-"
        ms_r = r["config"].get("ms_per_review")
        if name == SERVED:
            ms_r = ev["ms_per_review"]["int8_single"]
        lines.append(
            f"| {NAMES.get(name, name)} | {val} | {test} | {f1} | {r['params']:,} | "
            f"{r['seconds']:.0f} s | {f'{ms_r:.3f}' if ms_r else '-'} |"
        )
    lines += [
        "",
        "The served model's validation accuracy is before the refit on all training reviews, and "
        "optimistic by construction: its head's 3 parameters were fitted on that split. "
        "ms/review: for Keras models the wall time of batched `predict` (batch 256) on TensorFlow's "
        "thread pool over both cores; for the served model one review per call on one thread. "
        "Both linear baselines keep stopwords, as NBSVM does: each model gets its own best "
        "preprocessing.",
        "",
    ]
    return lines


def _short_text(ev: dict[str, Any], prev: dict[str, Any]) -> list[str]:
    """The labelled-sentence sets, then the test reviews for scale, and the reliability figure."""
    lines = [
        "## Short text: what people type into the page",
        "",
        "| sentences (1,000 each) | accuracy | macro F1 | calibration error | answers within 0.1 of 0.5 | previous model |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in ev["sentences"].items():
        before = prev.get("sentences", {}).get(name, {}).get("accuracy")
        lines.append(
            f"| {SENTENCE_NAMES[name]} | {pct(r['accuracy'])} | {r['macro_f1']:.4f} | {r['ece']:.3f} | "
            f"{r['near_half'] * 100:.1f}% | {pct(before) if before else '-'} |"
        )
    t = ev["test"]
    lines += [
        f"| *IMDb test reviews (25,000)* | {pct(t['accuracy'])} | {t['macro_f1']:.4f} | {t['ece']:.3f} | {t['near_half'] * 100:.1f}% | "
        f"{pct(prev['test']['accuracy']) if prev.get('test') else '-'} |",
        "",
        "![Reliability](results/reliability.png)",
        "",
    ]
    return lines


def _by_length(ev: dict[str, Any]) -> list[str]:
    lines = [
        "## Accuracy by review length",
        "",
        "Length in words, stopwords included. The short-span training must not cost long reviews "
        "anything, so the served model is shown beside the NB-LR baseline in each bucket.",
        "",
        "| words | reviews | " + " | ".join(ev["by_length"]) + " |",
        "|---|---|" + "---|" * len(ev["by_length"]),
    ]
    for row in zip(*ev["by_length"].values(), strict=True):
        low, high = row[0]["low"], row[0]["high"]
        label = f"{low}-{high - 1}" if high else f"{low}+"
        lines.append(
            f"| {label} | {row[0]['count']:,} | "
            + " | ".join(pct(b["accuracy"]) for b in row)
            + " |"
        )
    return lines


def _explanations(faith: dict[str, dict[str, Any]]) -> list[str]:
    return [
        "",
        "## Explanations",
        "",
        "Occlusion in log-odds: a word's weight is how far the calibrated logit falls when every "
        "copy of it is deleted; a change smaller than one int8 step of the model's outputs is "
        "reported as 0. Faithfulness: the mean fall in P(predicted label) when the top 20% of "
        "explained words are deleted, against deleting as many randomly chosen explained words "
        "(a larger gap means the explanation names the words that really drove the answer).",
        "",
        "| texts | explained | top 20% deleted | random words deleted |",
        "|---|---|---|---|",
        *[
            f"| {name} | {f['texts']} | {f['top_words_fall']:.3f} | {f['random_words_fall']:.3f} |"
            for name, f in faith.items()
        ],
        "",
    ]


def _variants(man: dict[str, Any], ev: dict[str, Any]) -> list[str]:
    """The served model as Keras, float TFLite and int8, and how closely they agree."""
    s, agree, sizes = (
        man["metrics"]["scores"],
        man["metrics"]["agreement_with_keras"],
        man["sizes_bytes"],
    )
    params = f"{sizes['keras_params']:,}"  # the same weights in all three variants
    return [
        "## The served model: Keras vs float TFLite vs int8",
        "",
        "| variant | test accuracy | macro F1 | parameters | size on disk |",
        "|---|---|---|---|---|",
        f"| Keras float32 | {pct(s['keras']['accuracy'])} | {s['keras']['macro_f1']:.4f} | {params} | {fmt_mb(sizes['keras_file'])} |",
        f"| float32 TFLite | {pct(s['float_tflite']['accuracy'])} | {s['float_tflite']['macro_f1']:.4f} | {params} | {fmt_mb(sizes['float_tflite'])} |",
        f"| **int8 TFLite (served)** | **{pct(s['int8']['accuracy'])}** | {s['int8']['macro_f1']:.4f} | {params} | {fmt_mb(sizes['int8_tflite'])} |",
        "",
        f"Agreement with Keras on all test reviews: int8 labels agree on "
        f"{pct(agree['int8']['label_agreement'])}, mean abs(dp) {agree['int8']['mean_abs_dp']:.4f} "
        f"(max {agree['int8']['max_abs_dp']:.4f}); float TFLite max abs(dp) {agree['float_tflite']['max_abs_dp']:.1e}. "
        f"The graph ends in two int8 logits (steps {', '.join(f'{x:.4f}' for x in man['output_steps'])}) "
        f"that the service mixes in float: {ev['distinct_probabilities']:,} distinct probabilities over the "
        "test reviews, where one int8 probability output allowed at most 256. "
        "`tests/convert/test_parity.py` re-checks these on the shipped files.",
        "",
        "![Training curves](results/curves.png) ![Confusion matrix](results/confusion.png)",
        "",
    ]
