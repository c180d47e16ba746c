"""The benchmark runs end to end and reports it all.

The default tier runs it in quick mode on the shipped model, without the TensorFlow path and with
the served handler in this interpreter (no virtualenv to build): every section, row and goal of
the served side is produced by a real run. The slow tier adds the Keras path on the stand-in
model and builds the virtualenv of handler/requirements.txt from scratch. Timings are never
asserted, only that they were measured and rendered.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from bench import deps, goals, machine, report, standin
from bench.__main__ import build_parser, settings_from
from bench.artifacts import Artifacts
from bench.settings import FULL, QUICK
from bench.stats import percentile, time_interleaved
from convert.paths import FLOAT_MODEL, KERAS_MODEL
from handler.paths import MODEL_DIR, REPO_ROOT, REQUIREMENTS
from handler.predictor import LitePredictor

SECTIONS = {
    "settings", "machine", "environments", "inputs", "cold_start", "warm", "memory", "size",
    "accuracy", "goals",
}  # fmt: skip
GOALS = {
    "cold_start", "cold_floor", "warm_overhead", "warm_latency", "p99_latency", "batch_route",
    "dependencies",
}  # fmt: skip
# Measured only with the TensorFlow path (or with the network, for sizes).
NEEDS_KERAS = {"cold_start", "warm_latency"}
FAKE_SIZES = {"litert": 100_000_000, "tensorflow": 2_000_000_000, "tensorflow_cpu": 1_500_000_000}
SHIPPED = Artifacts(MODEL_DIR, KERAS_MODEL, FLOAT_MODEL)


def run_bench(work: Path, *options: str) -> tuple[dict, str]:
    """`python -m bench --quick OPTIONS`, with dependency sizes as if measured before."""
    cache = work / "cache"
    (cache / "deps").mkdir(parents=True)
    known = {
        deps.cache_key(pins): {"requirements": pins, "bytes": FAKE_SIZES[name], "files": 10,
                               "largest": {name: FAKE_SIZES[name]}}
        for name, pins in deps.requirement_sets().items()
    }  # fmt: skip
    (cache / "deps" / "sizes.json").write_text(json.dumps(known))
    command = [
        sys.executable, "-m", "bench", "--quick", "--out", str(work / "out"),
        "--cache", str(cache), *options,
    ]  # fmt: skip
    # The fixed review, not the dataset's: reading the archive alone takes longer than the run.
    env = {k: v for k, v in os.environ.items() if k != "IMDB_DATA"}
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return (
        json.loads((work / "out" / "bench.json").read_text()),
        (work / "out" / "bench.md").read_text(),
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    return run_bench(
        tmp_path_factory.mktemp("bench"),
        "--no-tensorflow", "--serve-python", sys.executable,
        "--model-dir", str(SHIPPED.model_dir), "--float-model", str(SHIPPED.float_model),
    )  # fmt: skip


def test_json_has_every_section(results):
    found, _ = results
    assert found.keys() >= SECTIONS
    assert set(found["cold_start"]["variants"]) == {"floor", "lambda_int8", "lambda_float"}
    assert set(found["warm"]["latency"]) == set(report.LATENCY_ROWS)
    assert set(found["warm"]["throughput"]) == set(report.THROUGHPUT_ROWS)
    for kind in ("model_only", "with_encoding"):
        batches = found["warm"]["throughput"]["tflite_int8"][kind]
        assert [b["batch"] for b in batches] == found["settings"]["batch_sizes"]
    for key in report.ROUTE_ROWS:
        assert found["warm"]["batch_route"][key]["batch"] == QUICK.route_batch
    assert set(found["size"]["models"]) == set(report.MODEL_FILES)
    assert set(found["accuracy"]) >= set(report.ACCURACY_ROWS)
    assert {g["key"] for g in found["goals"]} == GOALS


def test_served_figures_are_measured_and_keras_ones_are_not(results):
    found, _ = results
    for key in ("mangum", "encode_model", "encode_single", "model_single"):
        row = found["warm"]["latency"][key]
        assert row["n"] == QUICK.requests
        assert 0 < row["p50_ms"] <= row["p99_ms"]
    assert found["warm"]["latency"]["keras_predict"] is None
    assert found["environments"]["tensorflow"] is None
    served = found["environments"]["served"]
    assert served["kind"] == "given by --serve-python"
    assert served["libraries"]["fastapi"]
    for g in found["goals"]:
        assert (g["met"] is None) == (g["key"] in NEEDS_KERAS), g


def test_every_handler_answers_like_the_others(results):
    found, _ = results
    variants = found["cold_start"]["variants"]
    assert variants["floor"]["probability"] is None
    assert (
        abs(variants["lambda_int8"]["probability"] - variants["lambda_float"]["probability"]) < 0.05
    )
    assert variants["lambda_int8"]["median_s"] > 0
    assert variants["floor"]["median_s"] > 0


def test_sizes_come_from_the_cache_in_quick_mode(results):
    found, _ = results
    assert {k: v["bytes"] for k, v in found["size"]["dependencies"].items()} == FAKE_SIZES
    (goal,) = [g for g in found["goals"] if g["key"] == "dependencies"]
    assert goal["measured"] == pytest.approx(15.0)  # the leaner TensorFlow set, not the larger


def test_markdown_renders_every_row(results):
    found, md = results
    assert "Quick mode" in md
    for goal in found["goals"]:
        assert f"| {goal['goal']} |" in md
    for variant in found["cold_start"]["variants"].values():
        assert f"| {variant['label']} |" in md
    for key in found["warm"]["latency"]:
        assert f"| {report.LATENCY_ROWS[key]} |" in md
    for batch in found["warm"]["throughput"]["tflite_int8"]["model_only"]:
        assert f"| {report.THROUGHPUT_ROWS['tflite_int8']} | {batch['batch']} |" in md
    for label in report.ROUTE_ROWS.values():
        assert f"| {label} | {QUICK.route_batch} |" in md
    for when in ("cold", "warm"):
        for name in found["memory"][when]:
            assert f": {name} |" in md
    for key in found["size"]["models"]:
        assert f"| {report.MODEL_FILES[key]} |" in md
    for key in found["size"]["dependencies"]:
        assert f"| {report.SIZE_ROWS[key]} |" in md
    for label in report.ACCURACY_ROWS.values():
        assert f"| {label} |" in md
    assert "| CPU |" in md
    assert "| Instruction sets (/proc/cpuinfo) |" in md
    assert "- Batch route: " in md
    assert report.isa_summary(found["machine"]["isa"]) in md
    assert found["environments"]["served"]["version"] in md


def test_a_goal_that_fails_turns_red_with_how_far_it_is_short(results):
    found, _ = results
    found = json.loads(json.dumps(found))
    found["warm"]["latency"]["mangum"]["p99_ms"] = 10 * found["warm"]["latency"]["mangum"]["p50_ms"]
    found["cold_start"]["variants"]["floor"]["median_s"] = (
        found["cold_start"]["variants"]["lambda_int8"]["median_s"] / 2
    )
    by_key = {g["key"]: g for g in goals.evaluate(found)}
    assert by_key["p99_latency"]["met"] is False
    assert by_key["p99_latency"]["short_by"] == pytest.approx(8.0)
    assert by_key["cold_floor"]["met"] is False
    assert by_key["cold_floor"]["short_by"] == pytest.approx(2 - 1.15)
    found["goals"] = list(by_key.values())
    md = report.render(found)
    assert "\u274c **not met**: short by 8.00x" in md
    assert "\u274c **not met**: short by 0.85x" in md
    assert report.verdict({"met": True}) == "\u2705 met"


def test_unmeasured_sizes_render_as_such(results):
    found, _ = results
    found = json.loads(json.dumps(found))
    found["size"]["dependencies"] = dict.fromkeys(FAKE_SIZES)
    md = report.render(found)
    assert md.count("not measured") >= len(FAKE_SIZES)


def test_isa_features_are_read_from_cpuinfo():
    x86 = "processor\t: 0\nflags\t\t: fpu sse avx2 fma\n"
    arm = "processor\t: 0\nFeatures\t: fp asimd asimddp sha2\n"
    assert machine.isa_features(x86) == {
        "AVX2": True, "AVX-512": False, "AVX-512 VNNI": False, "AVX-VNNI": False,
        "Arm dot-product": False,
    }  # fmt: skip
    assert machine.isa_features(arm)["Arm dot-product"] is True
    assert report.isa_summary(machine.isa_features("")) == (
        "none of AVX2, AVX-512 VNNI, Arm dot-product"
    )


def test_settings_are_built_by_keyword_and_updated_by_copy():
    args = build_parser().parse_args(["--cold-runs", "3"])
    chosen = settings_from(args)
    assert chosen == FULL.model_copy(update={"cold_runs": 3})
    assert settings_from(build_parser().parse_args(["--quick"])) == QUICK
    with pytest.raises(ValueError, match="frozen"):
        chosen.cold_runs = 1  # type: ignore[misc]


def test_float_copy_is_served_by_the_handler(tmp_path):
    served = LitePredictor.load(SHIPPED.float_copy(tmp_path / "float"))
    int8 = LitePredictor.load(SHIPPED.model_dir)
    text = ["A wonderful, brilliant film. Not boring at all."]
    assert served.predict(text)[0] == pytest.approx(int8.predict(text)[0], abs=0.05)


def test_requirements_are_read_for_the_image_python():
    pins = deps.requirement_sets()["litert"]
    # The numpy pinned for Python >= 3.12 (the image's), not the one for this host's 3.11.
    image_numpy = re.search(
        r"^(numpy==\S+) ; python_full_version >= '3\.12'", REQUIREMENTS.read_text(), re.M
    )
    assert image_numpy is not None
    assert image_numpy.group(1) in pins
    assert not any(p.startswith("colorama") for p in pins)  # Windows only
    assert not any(";" in p for p in pins)


def test_hash_pinned_requirements_are_read_too():
    hashed = (
        "# exported by uv\n"
        "mangum==0.22.0 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n"
        "numpy==2.4.6 ; python_full_version < '3.12' \\\n    --hash=sha256:cccc\n"
        "numpy==2.5.5 ; python_full_version >= '3.12' \\\n    --hash=sha256:dddd\n"
    )
    assert deps._image_pins(hashed) == ["mangum==0.22.0", "numpy==2.5.5"]


def test_percentile_is_nearest_rank():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
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
        [sys.executable, "-c", "from bench.cold_child import peak_rss_mib; print(peak_rss_mib())"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert float(done.stdout) < len(ballast) / 2**20 / 2


@pytest.mark.slow
def test_full_quick_run_with_keras_in_a_fresh_virtualenv(tmp_path):
    """Stand-in models (trained here) for all three paths, and the served handler in a
    virtualenv built from handler/requirements.txt alone."""
    fixture = standin.build(tmp_path / "standin")
    found, md = run_bench(
        tmp_path / "bench",
        "--model-dir", str(fixture.model_dir), "--keras-model", str(fixture.keras_model),
        "--float-model", str(fixture.float_model),
    )  # fmt: skip
    assert set(found["cold_start"]["variants"]) == {"floor", "lambda_int8", "lambda_float", "keras"}
    probs = [v["probability"] for k, v in found["cold_start"]["variants"].items() if k != "floor"]
    assert max(probs) - min(probs) < 0.05  # int8 vs float vs Keras on one review
    assert all(g["met"] is not None for g in found["goals"])
    served = found["environments"]["served"]
    assert served["kind"].startswith("virtualenv of exactly handler/requirements.txt")
    assert "httpx" not in served["libraries"]
    listing = subprocess.run(
        [served["python"], "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout
    installed = {canonicalize_name(line.split("==")[0]) for line in listing.splitlines()}
    wanted = {
        canonicalize_name(p.split("==")[0]) for p in deps._image_pins(REQUIREMENTS.read_text())
    }
    assert installed == wanted, installed ^ wanted
    assert "| Keras `model.predict`, encoding included |" in md


def test_calls_in_turns_rotate_their_order_every_round():
    order: list[str] = []
    durations = time_interleaved(
        {name: (lambda n=name: order.append(n)) for name in "abc"},
        warm_up=1,
        min_calls=3,
        min_seconds=0,
    )
    assert "".join(order) == "abc" + "abcbcacab"  # warm-up, then rounds starting a, b, c
    assert {name: len(found) for name, found in durations.items()} == {"a": 3, "b": 3, "c": 3}
