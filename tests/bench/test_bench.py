"""The benchmark runs end to end (`--quick`, tiny stand-in model, no network) and reports it all.

Timings are never asserted: only that every section is there and every row is rendered.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import deps, report, standin
from bench.artifacts import ROOT, Artifacts
from bench.stats import percentile
from handler.predictor import LitePredictor

SECTIONS = {
    "settings", "machine", "inputs", "cold_start", "warm", "memory", "size", "accuracy", "goals",
}  # fmt: skip
FAKE_SIZES = {"litert": 100_000_000, "tensorflow": 2_000_000_000, "tensorflow_cpu": 1_500_000_000}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    return standin.build(tmp_path_factory.mktemp("standin"))


@pytest.fixture(scope="module")
def results(fixture: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    work = tmp_path_factory.mktemp("bench")
    # Sizes as if measured before: quick mode must take them from the cache, never the network.
    cache = work / "cache" / "deps"
    cache.mkdir(parents=True)
    known = {
        deps.cache_key(pins): {"requirements": pins, "bytes": FAKE_SIZES[name], "files": 10,
                               "largest": {name: FAKE_SIZES[name]}}
        for name, pins in deps.requirement_sets().items()
    }  # fmt: skip
    (cache / "sizes.json").write_text(json.dumps(known))
    command = [
        sys.executable, "-m", "bench", "--quick", "--out", str(work / "out"),
        "--cache", str(work / "cache"), "--model-dir", str(fixture.model_dir),
        "--keras-model", str(fixture.keras_model), "--float-model", str(fixture.float_model),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return (
        json.loads((work / "out" / "bench.json").read_text()),
        (work / "out" / "bench.md").read_text(),
    )


def test_json_has_every_section(results):
    found, _ = results
    assert found.keys() >= SECTIONS
    assert set(found["cold_start"]["variants"]) == {"lambda_int8", "lambda_float", "keras"}
    assert set(found["warm"]["latency"]) == set(report.LATENCY_ROWS)
    assert set(found["warm"]["throughput"]) == set(report.THROUGHPUT_ROWS)
    for runtime in found["warm"]["throughput"].values():
        for kind in ("model_only", "with_encoding"):
            assert [b["batch"] for b in runtime[kind]] == found["settings"]["batch_sizes"]
    assert set(found["size"]["models"]) == set(report.MODEL_FILES)
    assert set(found["accuracy"]) >= set(report.ACCURACY_ROWS)
    assert {g["key"] for g in found["goals"]} == {
        "cold_start", "warm_latency", "dependencies", "p99_latency",
    }  # fmt: skip


def test_every_variant_answers_like_the_others(results):
    found, _ = results
    probs = [v["probability"] for v in found["cold_start"]["variants"].values()]
    assert max(probs) - min(probs) < 0.05  # int8 vs float vs Keras on one review


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
    for key, runtime in found["warm"]["throughput"].items():
        for batch in runtime["model_only"]:
            assert f"| {report.THROUGHPUT_ROWS[key]} | {batch['batch']} |" in md
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
    assert found["machine"]["python"] in md


def test_unmeasured_sizes_render_as_such(results):
    found, _ = results
    found = json.loads(json.dumps(found))
    found["size"]["dependencies"] = dict.fromkeys(FAKE_SIZES)
    md = report.render(found)
    assert md.count("not measured") >= len(FAKE_SIZES)


def test_float_copy_is_served_by_the_handler(fixture, tmp_path):
    served = LitePredictor.load(fixture.float_copy(tmp_path / "float"))
    int8 = LitePredictor.load(fixture.model_dir)
    text = ["A wonderful, brilliant film. Not boring at all."]
    assert served.predict(text)[0] == pytest.approx(int8.predict(text)[0], abs=0.05)


def test_requirements_are_read_for_the_image_python():
    pins = deps.requirement_sets()["litert"]
    # The numpy pinned for Python >= 3.12 (the image's), not the one for this host's 3.11.
    requirements = (
        Path(__file__).resolve().parents[2] / "handler" / "requirements.txt"
    ).read_text()
    image_numpy = re.search(r"^(numpy==\S+) ; python_full_version >= '3\.12'", requirements, re.M)
    assert image_numpy is not None
    assert image_numpy.group(1) in pins
    assert not any(p.startswith("colorama") for p in pins)  # Windows only
    assert not any(";" in p for p in pins)


def test_percentile_is_nearest_rank():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile([3.0], 99) == 3.0


def test_missing_model_names_the_file(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--model-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert str(tmp_path / "manifest.json") in done.stderr
    assert "bench.standin" in done.stderr


def test_peak_rss_is_the_childs_own():
    # ru_maxrss would report this test process's peak; the child must report only its own.
    ballast = b"x" * (300 * 1024 * 1024)
    done = subprocess.run(
        [sys.executable, "-c", "from bench.cold_child import peak_rss_mib; print(peak_rss_mib())"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert float(done.stdout) < len(ballast) / 2**20 / 2
