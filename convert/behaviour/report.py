"""reports/behaviour.json (the figures) and reports/behaviour.md (the same, for people).

`capability_table` renders the per-capability table from the JSON alone, so the model card can
show it without rerunning the suite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from convert.behaviour import handwritten
from convert.behaviour.cases import CAPABILITIES, KINDS, Test
from convert.behaviour.run import (
    DIR_TOLERANCE,
    NEGATIVE_MAX,
    POSITIVE_MIN,
    TestResult,
    capability_rates,
)
from convert.paths import REPORTS_DIR

JSON_NAME, MD_NAME = "behaviour.json", "behaviour.md"


def model_figures(version: str, results: Sequence[TestResult]) -> dict[str, Any]:
    return {
        "model_version": version,
        "capabilities": capability_rates(results),
        "tests": [asdict(r) | {"fail_rate": r.fail_rate} for r in results],
    }


def figures(
    tests: Sequence[Test],
    fingerprint: str,
    seed: int,
    model: dict[str, Any],
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    counts = {
        cap: {
            kind: {
                "tests": sum(t.capability == cap and t.kind == kind for t in tests),
                "cases": sum(len(t.cases) for t in tests if t.capability == cap and t.kind == kind),
            }
            for kind in KINDS
        }
        for cap in CAPABILITIES
    }
    suite = {
        "seed": seed,
        "fingerprint": fingerprint,
        "tests": len(tests),
        "cases": sum(len(t.cases) for t in tests),
        "texts": len({x for t in tests for x in t.texts()}),
        "neutral_band": [NEGATIVE_MAX, POSITIVE_MIN],
        "dir_tolerance": DIR_TOLERANCE,
        "counts": counts,
    }
    return {"suite": suite, "model": model, "previous": previous}


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def capability_table(figs: Mapping[str, Any]) -> str:
    """The per-capability fail rates as a markdown table; a previous model gets its own column."""
    model, previous = figs["model"], figs.get("previous")
    counts = figs["suite"]["counts"]
    head = f"| capability | tests | cases | fail rate, `{model['model_version']}` |"
    rule = "|---|---:|---:|---:|"
    if previous:
        head += f" fail rate, `{previous['model_version']}` (previous) |"
        rule += "---:|"
    lines = [head, rule]
    for cap, rate in model["capabilities"].items():
        n_tests = sum(c["tests"] for c in counts[cap].values())
        n_cases = sum(c["cases"] for c in counts[cap].values())
        row = f"| {cap} | {n_tests} | {n_cases:,} | {_pct(rate)} |"
        if previous:
            row += f" {_pct(previous['capabilities'][cap])} |"
        lines.append(row)
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example(e: Mapping[str, Any]) -> str:
    if "original" in e:
        return f'  - "{_cell(e["original"])}" → {e["p_original"]:.2f}; "{_cell(e["text"])}" → {e["p"]:.2f}'
    return f'  - "{_cell(e["text"])}" → {e["p"]:.2f} (expected {" or ".join(e["expected"])})'


def markdown(figs: Mapping[str, Any]) -> str:
    suite, model, previous = figs["suite"], figs["model"], figs.get("previous")
    prev_tests = {t["name"]: t for t in previous["tests"]} if previous else {}
    out = [
        "# Behavioural tests",
        "",
        f"Model `{model['model_version']}`"
        + (f", beside the previous model `{previous['model_version']}`" if previous else "")
        + f". {suite['tests']} tests, {suite['cases']:,} cases ({suite['texts']:,} distinct texts), "
        f"seed {suite['seed']}, suite fingerprint `{suite['fingerprint'][:12]}`. Written by "
        "`make behaviour` (`python -m convert.behaviour`).",
        "",
        "The suite is this project's own, for the movie domain, in the method of Ribeiro et al. 2020 "
        "(CheckList): templates and word lists written in `convert/behaviour/`, and changes to real "
        "sentences of the IMDb *training* reviews (never the test split). P(positive) is read as "
        f"negative at most {NEGATIVE_MAX:.3f}, positive at least {POSITIVE_MIN:.3f}, neutral between. "
        "An MFT case fails when its label is not one it allows; an INV case when the variant's label "
        f"differs from the original's; a DIR case when P(positive) moves the wrong way by more than "
        f"{suite['dir_tolerance']}. A test's fail rate is failing cases / cases; a capability's is "
        "the mean of its tests' rates.",
        "",
        "## By capability",
        "",
        capability_table(figs),
        "",
        *(handwritten.markdown(figs["handwritten"]) if figs.get("handwritten") else []),
        "## Tests and cases by capability and kind",
        "",
        "| capability | " + " | ".join(KINDS) + " |",
        "|---|" + "---:|" * len(KINDS),
    ]
    for cap, kinds in suite["counts"].items():
        cells = [
            f"{kinds[k]['tests']} / {kinds[k]['cases']:,}" if kinds[k]["tests"] else "-"
            for k in KINDS
        ]
        out.append(f"| {cap} | " + " | ".join(cells) + " |")
    out += ["", "Each cell: tests / cases.", "", "## Every test", ""]
    head = "| capability | test | kind | cases | fail rate |" + (" previous |" if previous else "")
    out += [head, "|---|---|---|---:|---:|" + ("---:|" if previous else "")]
    for t in model["tests"]:
        row = f"| {t['capability']} | {_cell(t['name'])} | {t['kind']} | {t['cases']} | {_pct(t['fail_rate'])} |"
        if previous:
            p = prev_tests.get(t["name"])
            row += f" {_pct(p['fail_rate']) if p else '-'} |"
        out.append(row)
    out += [
        "",
        f"## Failing examples (the worst {3} of each test, P(positive) after the arrow)",
        "",
    ]
    for t in model["tests"]:
        out.append(f"- **{t['capability']}, {_cell(t['name'])}** ({t['kind']}: {_cell(t['description'])}): "
                   f"{t['failures']} of {t['cases']} fail")  # fmt: skip
        out += [_example(e) for e in t["examples"]]
    return "\n".join(out) + "\n"


def regressions(
    recorded: Mapping[str, Any], rates: Mapping[str, float], noise: float = 0.001
) -> dict[str, str]:
    """Capabilities whose fail rate is worse than the recorded model's by more than `noise`."""
    before: Mapping[str, float] = recorded["model"]["capabilities"]
    return {
        cap: f"{rate:.4f} > recorded {before.get(cap, 0.0):.4f}"
        for cap, rate in rates.items()
        if rate > before.get(cap, 0.0) + noise
    }


def read(path: Path | None = None) -> dict[str, Any]:
    """The recorded figures (reports/behaviour.json unless `path`): `capability_table(read())`."""
    found: dict[str, Any] = json.loads(
        (path or REPORTS_DIR / JSON_NAME).read_text(encoding="utf-8")
    )
    return found


def write(figs: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    js, md = out_dir / JSON_NAME, out_dir / MD_NAME
    js.write_text(json.dumps(figs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md.write_text(markdown(figs), encoding="utf-8")
    return js, md
