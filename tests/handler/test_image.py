"""The Lambda image, without Docker: what handler/Dockerfile installs and copies is enough.

- handler/requirements.txt is exactly the lock's `serve` group, with hashes, installed with
  `--require-hashes` on a base image that a build argument can pin by digest;
- handler/sbom.cdx.json lists exactly the packages and versions the image installs;
- it resolves to binary wheels for CPython 3.13 on manylinux x86_64 and aarch64;
- the Dockerfile copies exactly the modules its entry points (the API's and the bulk job's)
  import and the model they read, and no module under handler/ reaches for TensorFlow, Keras or
  the training pipeline;
- a clean virtualenv holding exactly requirements.txt, beside exactly the files the Dockerfile
  copies, runs the entry point on API Gateway events
  and answers like the in-process handler, printing EMF metrics that parse, on this Python
  and on the image's CPython 3.13.
"""

from __future__ import annotations

import ast
import dataclasses
import fnmatch
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handler import constants, lambda_function
from handler.inference.manifest import Manifest
from handler.inference.paths import MODEL_DIR, SHIPPED_MANIFEST
from scripts.paths import HANDLER_DIR, REPO_ROOT, REQUIREMENTS
from tests.handler.conftest import EVENTS, LAMBDA_CONTEXT

ROOT = REPO_ROOT
HANDLER = HANDLER_DIR
UV = ROOT / ".tools" / "bin" / "uv"
EXPORT = [
    "export",
    "--only-group",
    "serve",
    "--no-header",
    "--no-annotate",
    "--frozen",
]
FORBIDDEN = {"tensorflow", "keras", "tf_keras", "convert", "tflite_support"}


def uv(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    if not UV.exists():
        pytest.fail(f"{UV} is missing: run scripts/bootstrap")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    return subprocess.run(
        [str(UV), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )


def pinned(text: str) -> dict[str, str]:
    """name -> version for the lines that apply to CPython 3.13 on Linux (hash lines skipped)."""
    pins = {}
    for line in text.splitlines():
        requirement, _, marker = line.rstrip(" \\").partition(";")
        if "==" not in requirement or "win32" in marker or "< '3.12'" in marker:
            continue
        name, version = requirement.strip().split("==")
        pins[name.lower()] = version
    return pins


def test_requirements_equal_a_fresh_export_of_the_lock():
    result = uv(*EXPORT)
    assert result.returncode == 0, result.stderr
    assert REQUIREMENTS.read_text() == result.stdout, (
        "handler/requirements.txt drifted from uv.lock; regenerate it with `make requirements`"
    )


def test_every_requirement_is_pinned_with_hashes():
    entries = re.split(r"\n(?=\S)", REQUIREMENTS.read_text().strip())
    assert len(entries) > 10
    for entry in entries:
        assert "==" in entry.splitlines()[0], entry
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.splitlines()[0]


def test_sbom_lists_exactly_what_the_image_installs():
    sbom = json.loads((HANDLER / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    listed = {c["name"].lower(): c["version"] for c in sbom["components"]}
    assert listed == pinned(REQUIREMENTS.read_text()), "run `make sbom`"
    for component in sbom["components"]:
        assert component["purl"] == f"pkg:pypi/{component['name']}@{component['version']}"
        (reference,) = component["externalReferences"]
        assert reference["hashes"], component["name"]


@pytest.mark.parametrize("platform", ["x86_64-manylinux_2_28", "aarch64-manylinux_2_28"])
def test_requirements_resolve_as_wheels_for_the_lambda_python(platform):
    result = uv(
        "pip", "compile", str(REQUIREMENTS), "--python-version", "3.13",
        "--python-platform", platform, "--only-binary", ":all:", "--no-header", "--no-annotate",
    )  # fmt: skip
    assert result.returncode == 0, f"no wheel set for CPython 3.13 on {platform}:\n{result.stderr}"
    assert pinned(result.stdout) == pinned(REQUIREMENTS.read_text())


MANYLINUX = [
    f"manylinux_2_{minor}" for minor in (17, 24, 27, 28, 31, 34)
]  # the image has glibc 2.34


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_pip_on_the_lambda_python_accepts_every_pin(arch, tmp_path):
    # The image installs with pip, which honours each release's Requires-Python upper bound; uv's
    # resolver does not, and once pinned a package that refuses Python 3.13 (see pyproject.toml).
    platforms = [arg for tag in MANYLINUX for arg in ("--platform", f"{tag}_{arch}")]
    result = subprocess.run(
        [str(ROOT / ".tools" / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--quiet",
         "--no-deps", "--ignore-installed", "--only-binary=:all:", "--python-version", "3.13",
         "--implementation", "cp", *platforms, "--target", str(tmp_path), "-r", str(REQUIREMENTS)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"pip refuses the pins for CPython 3.13 on {arch}:\n{result.stderr[-2000:]}"
    )


def _dockerfile() -> tuple[list[tuple[list[str], str]], str]:
    text = (HANDLER / "Dockerfile").read_text()
    # The base is a build argument whose default is the tag; infra may pass a digest instead.
    assert re.search(r"^ARG BASE_IMAGE=public\.ecr\.aws/lambda/python:3\.13\s*$", text, re.M)
    assert re.search(r"^FROM \$\{BASE_IMAGE\}\s*$", text, re.M)
    assert re.search(
        r"^RUN pip install [^\n]*--require-hashes[^\n]*-r /tmp/requirements.txt", text, re.M
    )
    # The handler's bytecode is compiled into the image: Lambda cannot write it at a cold start.
    assert re.search(r"^RUN python3 -m compileall [^\n]*/handler\"?$", text, re.M)
    copies = [
        (line.split()[1:-1], line.split()[-1]) for line in re.findall(r"^COPY\s.*$", text, re.M)
    ]
    cmd = json.loads(re.search(r"^CMD\s+(\[.*\])\s*$", text, re.M).group(1))
    return copies, cmd[0]


def _module_imports(path: Path) -> set[str]:
    """Top-level names imported by `path`, except optional fallbacks under `except ImportError`."""
    tree = ast.parse(path.read_text())
    fallback = {
        id(node)
        for handler in ast.walk(tree)
        if isinstance(handler, ast.ExceptHandler)
        for stmt in handler.body
        for node in ast.walk(stmt)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in fallback:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from handler import logs` imports the module handler.observability.logs.
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names - {"__future__"}


def _entry_points() -> list[str]:
    """The image's entry points: its CMD, and the bulk job's, which infra/bulk.py names (read,
    not imported: infra/ loads the CDK)."""
    _, cmd = _dockerfile()
    bulk = re.search(
        r'^ENTRY_POINT: Final = "(.+)"$', (ROOT / "infra" / "bulk.py").read_text(), re.M
    )
    assert bulk, "infra/bulk.py names no ENTRY_POINT"
    return [cmd, bulk.group(1)]


def _imported_by_the_entry(
    entries: list[str] | None = None,
) -> tuple[set[Path], set[str]]:
    """handler/ files reachable from the entry points, and the third-party packages they import."""
    todo = [entry.rsplit(".", 1)[0] for entry in entries or [_dockerfile()[1]]]
    files, external = set(), set()
    while todo:
        module = todo.pop()
        # A module's packages run their __init__ first.
        todo += [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / module.replace(".", "/") / "__init__.py"
        if path in files or not path.exists():  # a name imported from a module, not a module
            continue
        files.add(path)
        for name in _module_imports(path):
            top = name.split(".")[0]
            if top == "handler":
                todo.append(name)
            elif top not in sys.stdlib_module_names:
                external.add(top)
    assert len(files) > 5, files
    return files, external


def _image_files() -> dict[str, Path]:
    """What the Dockerfile's COPY lines put under the task root: {path there: file here}."""
    copies, _ = _dockerfile()
    found: dict[str, Path] = {}
    for sources, dest in copies:
        if not dest.startswith("${LAMBDA_TASK_ROOT}/"):
            continue
        into = dest.removeprefix("${LAMBDA_TASK_ROOT}/")
        assert into.endswith("/"), dest  # several sources, or a folder's contents, go into one
        for source in sources:
            matched = sorted(ROOT.glob(source.rstrip("/")))
            assert matched, f"COPY {source}: nothing there"
            for path in matched:
                inside = sorted(path.rglob("*")) if path.is_dir() else [path]
                for file in inside:
                    if file.is_file() and "__pycache__" not in file.parts:  # .dockerignore
                        below = file.relative_to(path) if path.is_dir() else Path(file.name)
                        found[f"{into}{below}"] = file
    return found


def test_dockerfile_copies_exactly_what_the_entry_points_import_and_read():
    _, cmd = _dockerfile()
    module, function = cmd.rsplit(".", 1)
    assert module == "handler.lambda_function"
    assert callable(getattr(lambda_function, function))
    files, _ = _imported_by_the_entry(_entry_points())
    assert all(path.is_relative_to(HANDLER) for path in files), files
    copied = _image_files()
    assert all(place == str(path.relative_to(ROOT)) for place, path in copied.items())
    code = {p for p in copied.values() if p.suffix == ".py"}
    missing, unused = sorted(map(str, files - code)), sorted(map(str, code - files))
    assert (missing, unused) == ([], []), "add the missing to handler/Dockerfile's COPY lines"
    # The model the default settings read: every file its manifest names, its card and itself.
    manifest = Manifest.read(SHIPPED_MANIFEST)
    model = {manifest.file_path(MODEL_DIR, kind) for kind in manifest.files}
    model |= {SHIPPED_MANIFEST, MODEL_DIR / constants.MODEL_CARD_FILE}
    assert {p for p in copied.values() if p.suffix != ".py"} == model
    assert not {"requirements.txt", "sbom.cdx.json", "Dockerfile"} & {p.name for p in code | model}
    assert lambda_function.app is not None


def test_dockerignore_keeps_handler_and_nothing_else():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def sent(path: str) -> bool:
        included = True
        for pattern in patterns:
            negate = pattern.startswith("!")
            bare = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, bare) or path.startswith(bare + "/"):
                included = negate
        return included

    assert sent("handler/lambda_function.py")
    assert sent("handler/model/" + constants.MODEL_FILE)
    assert sent("handler/requirements.txt")
    for outside in (
        "tests/handler/test_image.py",
        "convert/train/served.py",
        ".venv/bin/python",
        "uv.lock",
    ):
        assert not sent(outside), outside


def test_entry_point_needs_only_what_requirements_txt_installs():
    _, external = _imported_by_the_entry()
    providers = importlib.metadata.packages_distributions()
    required = set(pinned(REQUIREMENTS.read_text()))
    for name in external:
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(name, [])}
        assert dists & required, (
            f"{name} is imported by the entry point but not in requirements.txt"
        )


def test_no_handler_module_imports_the_training_stack():
    for path in HANDLER.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


RUN_EVENTS = """
import json, sys
from handler.lambda_function import handler
from types import SimpleNamespace
context = SimpleNamespace(**json.loads(sys.argv[1]))
out = {}
for name in sys.argv[2:]:
    with open(name) as f:
        out[name] = handler(json.load(f), context)
print("RESULT " + json.dumps(out))
"""
EVENT_FILES = sorted(p.name for p in EVENTS.glob("*.json"))
# The same context as in-process, rebuilt in the child (which has no tests/ to import).
CONTEXT_FIELDS = dataclasses.asdict(LAMBDA_CONTEXT)


def _lambda_python() -> str:
    """CPython 3.13, the image's Python: from LAMBDA_PYTHON, or python3.13 on PATH (a pyenv shim
    answers only when asked for that version)."""
    candidates = [os.environ.get("LAMBDA_PYTHON"), shutil.which("python3.13")]
    for candidate in filter(None, candidates):
        found = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable, sys.version_info[:2] == (3, 13))"],
            capture_output=True, text=True, env={**os.environ, "PYENV_VERSION": "3.13"},
        )  # fmt: skip
        if found.returncode == 0 and found.stdout.split()[-1] == "True":
            return found.stdout.split()[0]
    pytest.fail("no CPython 3.13 (the Lambda image's Python) found: set LAMBDA_PYTHON")


@pytest.fixture(scope="session", params=["this", "3.13"])
def image_like_python(request, tmp_path_factory) -> tuple[Path, Path]:
    """(python, task root): a venv with exactly requirements.txt and handler/ copied beside it,
    on this interpreter and on the image's CPython 3.13."""
    interpreter = sys.executable if request.param == "this" else _lambda_python()
    base = tmp_path_factory.mktemp("image")
    venv, task_root = base / "venv", base / "task"
    made = uv("venv", "--quiet", "--python", interpreter, str(venv))
    if made.returncode != 0:
        pytest.fail(f"cannot create a clean virtualenv with uv:\n{made.stderr}")
    python = venv / "bin" / "python"
    installed = uv(
        "pip", "install", "--quiet", "--python", str(python), "--require-hashes",
        "-r", str(REQUIREMENTS),
    )  # fmt: skip
    if installed.returncode != 0:
        pytest.fail(
            f"cannot install handler/requirements.txt into a clean venv:\n{installed.stderr}"
        )
    # Exactly what the Dockerfile's COPY lines put in the image.
    for place, path in _image_files().items():
        (task_root / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, task_root / place)
    return python, task_root


def test_clean_venv_answers_events_like_the_in_process_handler(image_like_python):
    python, task_root = image_like_python
    files = [str(EVENTS / n) for n in EVENT_FILES]
    result = subprocess.run(
        [str(python), "-s", "-c", RUN_EVENTS, json.dumps(CONTEXT_FIELDS), *files],
        cwd=task_root,
        env={"PATH": "/usr/bin:/bin", "LAMBDA_TASK_ROOT": str(task_root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    answers = json.loads(line.removeprefix("RESULT "))
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert sum(line.get("message") == "cold_start" for line in lines) == 1
    # One EMF blob per invocation, in the image's own Powertools, with the names infra reads,
    # and Powertools' ColdStart once, on a line of its own.
    blobs = [json.loads(x) for x in result.stdout.splitlines() if x.startswith('{"_aws"')]
    (cold,) = [b for b in blobs if constants.METRIC_COLD_START in b]
    assert cold[constants.METRIC_COLD_START_DIMENSION] == LAMBDA_CONTEXT.function_name
    blobs.remove(cold)
    assert len(blobs) == len(EVENT_FILES)
    served = json.loads(answers[str(EVENTS / "http_api_v2_predict.json")]["body"])["model_version"]
    predicted = 0
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == constants.METRIC_NAMESPACE
        assert directive["Dimensions"] == [[constants.METRIC_DIMENSION]]
        assert blob[constants.METRIC_DIMENSION] == served
        names = {m["Name"] for m in directive["Metrics"]}
        assert constants.METRIC_SERVER_ERROR in names
        if names & {constants.METRIC_POSITIVE, constants.METRIC_NEGATIVE}:
            predicted += 1
            assert names >= {constants.METRIC_BATCH_SIZE, constants.METRIC_TEXT_LENGTH}
            assert len(names & set(constants.METRIC_BUCKETS)) == 1  # one answer, one bucket
    assert predicted == sum("predict" in name for name in EVENT_FILES)
    for name in EVENT_FILES:
        with open(EVENTS / name) as f:
            expected = lambda_function.handler(json.load(f), LAMBDA_CONTEXT)
        got = answers[str(EVENTS / name)]
        assert got["statusCode"] == expected["statusCode"], name
        if expected["headers"].get("content-type") == "application/json":
            assert json.loads(got["body"]) == json.loads(expected["body"]), name
