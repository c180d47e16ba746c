"""The benchmark runs end to end and reports it all; its own logic (rotation, summaries, goals,
sizes, percentiles) does what the report says it does.

The default tier runs it in quick mode on the shipped model, without the TensorFlow path and with
the served handler in this interpreter (no virtualenv to build): every section, row and goal of
the served side is produced by a real run. The slow tier adds the Keras path on the stand-in
model and builds the virtualenv of handler/requirements.txt with uv. Timings are never asserted,
only that they were measured and rendered.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import deps, goals, report, runner, standin
from bench.artifacts import Artifacts
from bench.stats import percentile, time_interleaved
from convert.paths import FLOAT_MODEL, KERAS_MODEL
from handler.inference.paths import MODEL_DIR
from handler.inference.predictor import LitePredictor
from scripts.paths import REPO_ROOT, REQUIREMENTS

SECTIONS = {
    "settings", "machine", "environments", "inputs", "cold_start", "warm", "size", "accuracy",
    "goals",
}  # fmt: skip
GOALS = {
    "cold_start", "cold_floor", "warm_overhead", "warm_latency", "p99_latency", "batch_route",
    "dependencies",
}  # fmt: skip
# Measured only with the TensorFlow path, or (sizes) outside quick mode.
NOT_IN_QUICK = {"cold_start", "warm_latency", "dependencies"}
REQUESTS, COLD_RUNS = 20, 2  # not QUICK's: the options must reach the measuring children
SHIPPED = Artifacts(MODEL_DIR, KERAS_MODEL, FLOAT_MODEL)


def run_bench(work: Path, *options: str) -> tuple[dict, str]:
    """`python -m bench --quick OPTIONS`."""
    command = [sys.executable, "-m", "bench", "--quick", "--out", str(work / "out"),
               "--cache", str(work / "cache"), *options]  # fmt: skip
    # The fixed review, not the dataset's: reading the archive alone takes longer than the run.
    env = {k: v for k, v in os.environ.items() if k != "IMDB_DATA"}
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = work / "out"
    return json.loads((out / "bench.json").read_text()), (out / "bench.md").read_text()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    return run_bench(
        tmp_path_factory.mktemp("bench"),
        "--no-tensorflow", "--serve-python", sys.executable, "--requests", str(REQUESTS),
        "--cold-runs", str(COLD_RUNS), "--model-dir", str(SHIPPED.model_dir),
        "--float-model", str(SHIPPED.float_model),
    )  # fmt: skip


def test_json_has_every_section_and_the_options_reached_the_children(results):
    found, _ = results
    assert found.keys() >= SECTIONS
    variants = found["cold_start"]["variants"]
    assert set(variants) == {"floor", "lambda_int8", "lambda_float"}
    assert {v["runs"] for v in variants.values()} == {COLD_RUNS}
    lite = found["warm"]["lite"]
    assert set(lite["latency"]) == {"mangum", "encode_model", "encode_single", "model_single"}
    for row in lite["latency"].values():
        assert row["n"] == REQUESTS
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]
    for kind in ("model_only", "with_encoding"):
        assert [b["batch"] for b in lite["throughput"][kind]] == found["settings"]["batch_sizes"]
    route_batch = found["settings"]["route_batch"]
    assert {r["batch"] for r in lite["route"].values()} == {route_batch}
    assert set(found["size"]["models"]) == set(report.MODEL_FILES)
    assert {g["key"] for g in found["goals"]} == GOALS
    for g in found["goals"]:
        assert (g["met"] is None) == (g["key"] in NOT_IN_QUICK), g
    assert found["warm"]["keras"] is None
    assert found["environments"]["tensorflow"] is None
    served = found["environments"]["served"]
    assert served["kind"] == "given by --serve-python"
    assert served["libraries"]["fastapi"]


def test_every_handler_answers_like_the_others(results):
    variants = results[0]["cold_start"]["variants"]
    assert variants["floor"]["probability"] is None
    assert variants["lambda_int8"]["probability"] == pytest.approx(
        variants["lambda_float"]["probability"], abs=0.05
    )


def test_markdown_renders_every_row(results):
    found, md = results
    assert "Quick mode" in md
    for goal in found["goals"]:
        assert f"| {goal['goal']} |" in md
    for variant in found["cold_start"]["variants"].values():
        assert f"| {variant['label']} |" in md
    for label in report.LATENCY_ROWS.values():
        assert f"| {label} |" in md
    for batch in found["warm"]["lite"]["throughput"]["model_only"]:
        assert f"| {report.THROUGHPUT_ROWS['lite']} | {batch['batch']} |" in md
    assert f"| {report.THROUGHPUT_ROWS['keras']} |  | not measured |" in md
    for label in report.ROUTE_ROWS.values():
        assert f"| {label} | {found['settings']['route_batch']} |" in md
    for name in [*found["cold_start"]["variants"], "lite", "keras"]:
        assert f": {name} |" in md
    for key, label in report.SIZE_ROWS.items():
        assert f"| {label} | not measured |" in md, key
    for label in [*report.MODEL_FILES.values(), *report.ACCURACY_ROWS.values()]:
        assert f"| {label} |" in md
    assert report.isa_summary(found["machine"]["isa"]) in md
    assert found["environments"]["served"]["version"] in md


def test_a_goal_that_fails_turns_red_with_how_far_it_is_short(results):
    found = json.loads(json.dumps(results[0]))
    mangum = found["warm"]["lite"]["latency"]["mangum"]
    mangum["p99_ms"] = 10 * mangum["p50_ms"]
    variants = found["cold_start"]["variants"]
    variants["floor"]["median_s"] = variants["lambda_int8"]["median_s"] / 2
    by_key = {g["key"]: g for g in goals.evaluate(found)}
    assert (by_key["p99_latency"]["met"], by_key["p99_latency"]["short_by"]) == (
        False,
        pytest.approx(8.0),
    )
    assert (by_key["cold_floor"]["met"], by_key["cold_floor"]["short_by"]) == (
        False,
        pytest.approx(0.85),
    )
    found["goals"] = list(by_key.values())
    md = report.render(found)
    assert "\u274c **not met**: short by 8.00x" in md
    assert "\u274c **not met**: short by 0.85x" in md
    assert report.verdict({"met": True}) == "\u2705 met"


def test_sizes_compare_with_the_leaner_tensorflow_set_and_render(results):
    found = json.loads(json.dumps(results[0]))
    found["size"]["dependencies"] = {
        name: {"bytes": size, "files": 10, "largest": {name: size}}
        for name, size in {
            "litert": 10**8,
            "tensorflow": 2 * 10**9,
            "tensorflow_cpu": 15 * 10**8,
        }.items()
    }
    (goal,) = [g for g in goals.evaluate(found) if g["key"] == "dependencies"]
    assert goal["measured"] == pytest.approx(15.0)  # the leaner TensorFlow set, not the larger
    assert "`tensorflow_cpu` set" in goal["compared"]
    md = report.render(found)
    assert f"| {report.SIZE_ROWS['tensorflow']} | 2,000.0 | 10 | tensorflow 2,000 | 20.0x |" in md


def _fake_dist(site: Path, name: str, files: dict[str, int]) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    for path, size in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(b"x" * size)
    listed = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD", f"{name}/gone.py"]
    (info / "RECORD").write_text("".join(f"{p},,\n" for p in listed))


def test_sizes_count_the_files_each_distribution_installed(tmp_path):
    _fake_dist(tmp_path, "big", {"big/core.so": 5000, "big.libs/dep.so": 3000})
    _fake_dist(tmp_path, "ai_edge_litert", {"ai_edge_litert/kernel.so": 7000})
    (tmp_path / "stray.txt").write_bytes(b"x" * 10**6)  # installed by no distribution
    every, lean = deps.measure(tmp_path), deps.measure(tmp_path, leave_out=deps.LITERT)

    def own(name: str) -> int:  # what a distribution's own METADATA and RECORD weigh
        return sum(p.stat().st_size for p in tmp_path.glob(f"{name}-1.0.dist-info/*"))

    # Two files, METADATA and RECORD; the listed file that is gone, and the stray one, are not.
    assert lean == {"bytes": 8000 + own("big"), "files": 4, "largest": {"big": 8000 + own("big")}}
    assert every["bytes"] == lean["bytes"] + 7000 + own("ai_edge_litert")
    assert list(every["largest"]) == ["big", "ai-edge-litert"]


def test_tensorflow_sets_take_this_environments_versions(monkeypatch):
    installed = {"tensorflow-cpu": "9.1.0", "keras": "4.2.0"}
    monkeypatch.setattr(
        deps, "installed", lambda names: {n: installed[n] for n in names if n in installed}
    )
    sets = deps.requirement_sets()
    assert sets == {"litert": [], "tensorflow": ["tensorflow==9.1.0", "keras==4.2.0"],
                    "tensorflow_cpu": ["tensorflow-cpu==9.1.0", "keras==4.2.0"]}  # fmt: skip
    monkeypatch.setattr(deps, "installed", lambda names: {"keras": "4.2.0"})
    assert deps.requirement_sets()["tensorflow"] is None


def test_cold_starts_rotate_and_summarise_each_variant(monkeypatch):
    order: list[str] = []

    def fake_child(python, job, *, env, timeout):
        order.append(job["name"])
        wall = {"a": [3.0, 1.0, 2.0], "b": [10.0, 30.0, 20.0]}[job["name"]][
            order.count(job["name"]) - 1
        ]
        return {"probability": None, "import_and_load_s": wall / 2, "first_call_s": 0.0,
                "peak_rss_mib": wall}, wall  # fmt: skip

    monkeypatch.setattr(runner, "run_child", fake_child)
    variants = [{"name": n, "label": n, "python": Path(n), "env": {}, "job": {"name": n}}
                for n in ("a", "b")]  # fmt: skip
    found = runner.cold_starts(
        [*variants[:1], {**variants[1], "name": "lambda_int8"}], runs=2, priming=1
    )
    assert order == ["a", "b", "b", "a", "a", "b"]  # priming round, then rounds starting b, a
    a, int8 = found["variants"]["a"], found["variants"]["lambda_int8"]
    assert (a["runs"], a["median_s"], a["min_s"], a["max_s"]) == (
        2,
        1.5,
        1.0,
        2.0,
    )  # priming dropped
    assert (int8["median_s"], int8["median_import_and_load_s"]) == (25.0, 12.5)
    assert found["ratios"] == {"a": 1.5 / 25.0, "lambda_int8": 1.0}


def test_a_keras_path_that_reads_the_review_otherwise_stops_the_bench():
    def answers(keras: float) -> dict:
        return {"lambda_float": {"probability": 0.3902}, "keras": {"probability": keras}}

    runner._same_answer(answers(0.39021))
    with pytest.raises(runner.BenchError, match=r"Keras path answers 0\.4912"):
        runner._same_answer(answers(0.4912))  # the review read as one sentence, as it once was
    # With --no-tensorflow there is no Keras answer to compare.
    runner._same_answer({"lambda_float": {"probability": 0.39}})


def test_cold_starts_stop_when_keras_and_the_float_handler_disagree(monkeypatch):
    said = {"lambda_int8": 0.38, "lambda_float": 0.39, "keras": 0.49}

    def fake_child(python, job, *, env, timeout):
        return {"probability": said[job["name"]], "import_and_load_s": 0.1, "first_call_s": 0.0,
                "peak_rss_mib": 1.0}, 0.1  # fmt: skip

    monkeypatch.setattr(runner, "run_child", fake_child)
    variants = [{"name": n, "label": n, "python": Path(n), "env": {}, "job": {"name": n}}
                for n in said]  # fmt: skip
    with pytest.raises(runner.BenchError, match="do not read it the same way"):
        runner.cold_starts(variants, runs=1, priming=0)
    said["keras"] = 0.3902
    found = runner.cold_starts(variants, runs=1, priming=0)
    assert found["variants"]["keras"]["probability"] == 0.3902


def test_isa_features_are_read_from_cpuinfo():
    x86 = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse avx2 fma\n\nprocessor\t: 1\n"
    arm = "processor\t: 0\nFeatures\t: fp asimd asimddp sha2\n"
    assert runner.cpu(x86) == ("Some CPU", {
        "AVX2": True, "AVX-512": False, "AVX-512 VNNI": False, "AVX-VNNI": False,
        "Arm dot-product": False,
    })  # fmt: skip
    assert runner.cpu(arm)[1]["Arm dot-product"] is True
    assert report.isa_summary(runner.cpu("")[1]) == "none of AVX2, AVX-512 VNNI, Arm dot-product"


def test_float_copy_is_served_by_the_handler(tmp_path):
    served = LitePredictor.load(SHIPPED.float_copy(tmp_path / "float"))
    int8 = LitePredictor.load(SHIPPED.model_dir)
    text = ["A wonderful, brilliant film. Not boring at all."]
    assert served.predict(text)[0] == pytest.approx(int8.predict(text)[0], abs=0.05)


def test_percentile_is_numpys_default_definition():
    rng = random.Random(3)
    for n in (2, 7, 100, 1001):
        samples = [rng.expovariate(1.0) for _ in range(n)]
        for q in (1, 50, 90, 99):
            assert percentile(samples, q) == pytest.approx(float(np.percentile(samples, q)))
    assert percentile([3.0], 99) == 3.0


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--model-dir", "{tmp}"], "{tmp}/manifest.json"),
        (["--keras-model", "{tmp}/missing.keras"], "{tmp}/missing.keras"),
        (["--cold-runs", "0"], "--cold-runs must be at least 1"),
        (["--serve-python", "{tmp}/python"], "--serve-python {tmp}/python: no such file"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2_and_say_what_is_wrong(tmp_path, options, says):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *(o.format(tmp=tmp_path) for o in options)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert says.format(tmp=tmp_path) in done.stderr


def test_peak_rss_is_the_childs_own():
    # ru_maxrss would report this test process's peak; the child must report only its own.
    ballast = b"x" * (300 * 1024 * 1024)
    done = subprocess.run(
        [sys.executable, "-c", "from bench.child import peak_rss_mib; print(peak_rss_mib())"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert float(done.stdout) < len(ballast) / 2**20 / 2


def test_calls_in_turns_rotate_their_order_every_round():
    order: list[str] = []
    durations = time_interleaved(
        {name: (lambda n=name: order.append(n)) for name in "abc"},
        warm_up=1, min_calls=3, min_seconds=0,
    )  # fmt: skip
    assert "".join(order) == "abc" + "abcbcacab"  # warm-up, then rounds starting a, b, c
    assert {name: len(found) for name, found in durations.items()} == {"a": 3, "b": 3, "c": 3}


@pytest.mark.slow
def test_full_quick_run_with_keras_in_a_fresh_virtualenv(tmp_path):
    """Stand-in models (trained here) for all three paths, and the served handler in a
    virtualenv that uv builds from handler/requirements.txt alone."""
    fixture = standin.build(tmp_path / "standin")
    found, md = run_bench(
        tmp_path / "bench",
        "--model-dir", str(fixture.model_dir), "--keras-model", str(fixture.keras_model),
        "--float-model", str(fixture.float_model),
    )  # fmt: skip
    assert set(found["cold_start"]["variants"]) == {"floor", "lambda_int8", "lambda_float", "keras"}
    probs = [v["probability"] for k, v in found["cold_start"]["variants"].items() if k != "floor"]
    assert max(probs) - min(probs) < 0.05  # int8 vs float vs Keras on one review
    assert {g["key"] for g in found["goals"] if g["met"] is None} == {"dependencies"}
    served = found["environments"]["served"]
    assert served["kind"].startswith("virtualenv of exactly handler/requirements.txt")
    # Exactly the file's packages, nothing more, nothing less.
    exact = subprocess.run(
        [str(runner.UV), "pip", "sync", "--dry-run", "--python", served["python"], str(REQUIREMENTS)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Would make no changes" in exact.stderr, exact.stderr
    assert "| Keras `model.predict`, encoding included |" in md
