"""The behavioural suite: its generators and evaluators on a fake model, and the shipped model's
figures held to what reports/behaviour.json records: on a seeded sample of each test's cases in
the default tier, on every case in the `full` tier (`make test-full`)."""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import replace

import pytest

from convert.behaviour import lexicon as lx
from convert.behaviour import perturb, report, suite
from convert.behaviour.cases import CAPABILITIES, DOWN, KINDS, NEGATIVE, UP, Case
from convert.behaviour.cases import Test as Check
from convert.behaviour.corpus import training_sentences
from convert.behaviour.run import (
    capability_rates,
    evaluate,
    lite_scorer,
    read_label,
    run,
    score_all,
)
from convert.data.imdb import ENV_DATA, Review, load
from convert.paths import REPORTS_DIR
from handler.inference.manifest import Manifest
from handler.inference.paths import MODEL_DIR, SHIPPED_MANIFEST

NOISE = 0.001  # int8 answers are exact; this allows float summation order only
# The default tier scores this many cases of each test (seeded) and every text behaviour.json
# quotes; a capability's sampled fail rate may stand this many standard errors above its record.
CASES_PER_TEST = 30
SAMPLE_SEED = 2020
SAMPLE_SIGMAS = 3


def _sentences(count: int = 3000) -> list[str]:
    """Stand-ins for review sentences that every perturbation test finds something in."""
    rng = random.Random(0)
    forms = (
        "{first} {last} was {pos} as the {role} in {place}, and he did it in {year}.",
        "The {n} minutes in {place} with {first} {last} were {neg}, she said.",
        "It is a film that I am glad {first} made in {year}, with his brother.",
        "The {noun} is {neg}, the actress is {pos}, and that is all.",
        "I did not like {first}, but the {noun} was {pos} in {place}.",
    )
    out = []
    for i in range(count):
        form = forms[i % len(forms)]
        out.append(
            form.format(
                first=rng.choice(lx.FIRST_NAMES), last=rng.choice(lx.LAST_NAMES),
                pos=rng.choice(lx.POSITIVE_ADJECTIVES), neg=rng.choice(lx.NEGATIVE_ADJECTIVES),
                role=rng.choice(lx.ROLES), place=rng.choice(lx.PLACES), noun=rng.choice(lx.NOUNS),
                year=rng.randrange(1930, 2019), n=rng.randrange(11, 99),
            )
        )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def tests() -> list[Check]:
    return suite.build(_sentences())


def _lexicon_model(texts):
    """A fake that counts opinion words and ignores everything else (negation included)."""
    pos = (
        set(lx.POSITIVE_ADJECTIVES)
        | set(lx.POSITIVE_VERBS)
        | {lx.PRESENT[v] for v in lx.POSITIVE_VERBS}
    )
    neg = (
        set(lx.NEGATIVE_ADJECTIVES)
        | set(lx.NEGATIVE_VERBS)
        | {lx.PRESENT[v] for v in lx.NEGATIVE_VERBS}
    )
    out = []
    for text in texts:
        words = [w.strip(".,!?;").lower() for w in text.split()]
        score = sum(w in pos for w in words) - sum(w in neg for w in words)
        out.append(0.5 if score == 0 else 0.9 if score > 0 else 0.1)
    return out


def test_the_suite_has_every_capability_and_kind_and_enough_cases(tests) -> None:
    assert len(tests) >= 30
    assert sum(len(t.cases) for t in tests) >= 10_000
    assert {t.capability for t in tests} == set(CAPABILITIES)
    assert {t.kind for t in tests} == set(KINDS)
    assert len({t.name for t in tests}) == len(tests)
    assert all(len(t.cases) >= 100 for t in tests), [(t.name, len(t.cases)) for t in tests]
    for t in tests:
        for c in t.cases:
            assert bool(c.original) == (t.kind != "MFT")
            assert bool(c.allowed) == (t.kind == "MFT")
            assert (c.direction != 0) == (t.kind == "DIR")
            assert c.text != c.original


def test_the_suite_is_the_same_for_the_same_seed_and_sentences(tests) -> None:
    again = suite.build(_sentences())
    assert suite.fingerprint(again) == suite.fingerprint(tests)
    assert suite.fingerprint(suite.build(_sentences(), seed=1)) != suite.fingerprint(tests)


def test_only_training_reviews_are_read() -> None:
    review = Review("A fine film. It was great fun to watch. Ok", 1, 8, "train/pos/1")
    assert training_sentences([review]) == ["It was great fun to watch."]
    with pytest.raises(ValueError, match="training reviews only"):
        training_sentences([Review("It was great fun.", 1, 8, "test/pos/1")])


def test_labels_are_read_as_the_paper_reads_a_binary_model() -> None:
    assert [read_label(p) for p in (0.0, 1 / 3, 0.34, 0.5, 0.66, 2 / 3, 1.0)] == [
        "negative", "negative", "neutral", "neutral", "neutral", "positive", "positive",
    ]  # fmt: skip


def test_each_kind_fails_as_it_should() -> None:
    mft = Check(
        "m", "Vocabulary", "MFT", "", (Case("a", allowed=NEGATIVE), Case("b", allowed=NEGATIVE))
    )
    inv = Check("i", "NER", "INV", "", (Case("c", "a"), Case("d", "a")))
    dir_ = Check("d", "Negation", "DIR", "", (Case("e", "a", direction=DOWN), Case("f", "a", direction=UP), Case("g", "a", direction=DOWN)))  # fmt: skip
    probs = {"a": 0.2, "b": 0.5, "c": 0.3, "d": 0.7, "e": 0.29, "f": 0.15, "g": 0.31}
    assert (evaluate(mft, probs).failures, evaluate(inv, probs).failures) == (1, 1)
    # Up by 0.09 where down was expected is within the tolerance (0.1), and so is down by 0.05
    # where up was; up by 0.11 is not.
    assert evaluate(dir_, probs).failures == 1
    probs["g"] = 0.25
    assert evaluate(dir_, probs).failures == 0
    result = evaluate(inv, probs)
    assert result.examples == [{"original": "a", "p_original": 0.2, "text": "d", "p": 0.7}]


def test_an_invariance_test_fails_when_the_model_reacts_to_a_name(tests) -> None:
    names = set(lx.FIRST_NAMES[::2])

    def fake(texts):  # a model with a view on half the first names
        return [0.2 if names & set(t.replace(",", " ").split()) else 0.8 for t in texts]

    rates = {r.name: r.fail_rate for r in run(tests, fake)}
    assert rates["change a first name"] > 0.2
    assert rates["change the name in an opinion"] > 0.2
    assert run(tests, lambda texts: [0.8] * len(texts))[0].fail_rate == 0.0
    blind = {r.name: r.fail_rate for r in run(tests, lambda texts: [0.8] * len(texts))}
    assert blind["change a first name"] == blind["1 typo"] == 0.0


def test_a_word_counting_model_passes_vocabulary_and_fails_negation(tests) -> None:
    results = {r.name: r for r in run(tests, _lexicon_model)}
    assert results["positive words in short opinions"].fail_rate == 0.0
    assert results["negative words in short opinions"].fail_rate == 0.0
    assert results["negated positive"].fail_rate == 1.0
    assert results["typos" if "typos" in results else "1 typo"].fail_rate > 0.0  # typos hide words
    rates = capability_rates(list(results.values()))
    assert set(rates) == set(CAPABILITIES)
    assert rates["Negation"] > rates["Vocabulary"]


def test_a_scorer_that_drops_answers_is_refused(tests) -> None:
    with pytest.raises(ValueError, match="answers"):
        score_all(tests[:1], lambda texts: [0.5])


def test_perturbations() -> None:
    rng = random.Random(3)
    assert perturb.contractions("I did not like it, it is long.") == "I didn't like it, it's long."
    assert perturb.contractions("I Didn't like it.") == "I Did not like it."
    assert perturb.punctuation("Good, not great.") == ["Good, not great", "Good not great."]
    assert perturb.gender("She gave him her best.") == "He gave her his best."
    assert (
        perturb.negate("The plot was great.", lx.POSITIVE_ADJECTIVES) == "The plot was not great."
    )
    assert perturb.negate("It was not great.", lx.POSITIVE_ADJECTIVES) == ""
    assert perturb.numbers("I give it 7/10.", rng, 2) == []
    assert all(
        "90" not in v and "minutes" in v for v in perturb.numbers("It runs 90 minutes.", rng, 2)
    )
    assert perturb.swap("We saw New York.", rng, lx.PLACES, 1)[0].startswith("We saw ")
    assert "New" not in perturb.swap("We saw New York.", rng, lx.PLACES, 1)[0].replace(
        "New York", ""
    )
    typo = perturb.typos("A wonderful film.", rng)
    assert typo != "A wonderful film."
    assert sorted(typo) == sorted("A wonderful film.")


def test_the_report_shows_both_models(tests, tmp_path) -> None:
    results = run(tests, _lexicon_model)
    previous = report.model_figures("old", run(tests, lambda texts: [0.5] * len(texts)))
    figs = report.figures(
        tests, suite.fingerprint(tests), suite.SEED, report.model_figures("new", results), previous
    )
    js, md = report.write(figs, tmp_path)
    table = report.capability_table(json.loads(js.read_text()))
    assert table.splitlines()[0].count("fail rate") == 2
    assert all(f"| {cap} |" in table for cap in CAPABILITIES)
    text = md.read_text()
    assert table in text
    assert "previous" in text
    assert json.loads(js.read_text())["suite"]["cases"] == sum(len(t.cases) for t in tests)


@pytest.fixture(scope="module")
def shipped_suite() -> tuple[dict, list[Check]]:
    """The suite built from the training reviews, checked to be the one behaviour.json measured."""
    path = os.environ.get(ENV_DATA)
    if not path:
        pytest.skip(f"{ENV_DATA} is not set: the behavioural suite reads the training reviews")
    recorded = json.loads((REPORTS_DIR / report.JSON_NAME).read_text())
    version = Manifest.read(SHIPPED_MANIFEST).model_version
    if recorded["model"]["model_version"] != version:
        pytest.fail(
            f"{report.JSON_NAME} records {recorded['model']['model_version']}, the shipped model is "
            f"{version}: rerun `make behaviour`"
        )
    tests = suite.build(training_sentences(load(path).train))
    if suite.fingerprint(tests) != recorded["suite"]["fingerprint"]:
        pytest.fail(f"the suite is not the one {report.JSON_NAME} measured: rerun `make behaviour`")
    assert sum(len(t.cases) for t in tests) >= 10_000
    return recorded, tests


def _sampled(tests: list[Check]) -> list[Check]:
    """CASES_PER_TEST cases of each test, seeded by the test's name (in their suite order)."""
    out = []
    for t in tests:
        rng = random.Random(f"{SAMPLE_SEED}:{t.name}")
        keep = sorted(rng.sample(range(len(t.cases)), min(CASES_PER_TEST, len(t.cases))))
        out.append(replace(t, cases=tuple(t.cases[i] for i in keep)))
    return out


def _sampling_error(recorded: dict, capability: str, drawn: int) -> float:
    """SAMPLE_SIGMAS standard errors of a capability's mean fail rate over its tests, each test's
    cases drawn without replacement at its recorded rate."""
    rows = [r for r in recorded["model"]["tests"] if r["capability"] == capability]
    variance = (
        sum(
            r["fail_rate"] * (1 - r["fail_rate"]) / drawn * (r["cases"] - drawn) / (r["cases"] - 1)
            for r in rows
        )
        / len(rows) ** 2
    )
    return float(SAMPLE_SIGMAS * variance**0.5)


@pytest.mark.dataset
def test_the_shipped_model_gives_its_recorded_answers_and_no_worse_rates_on_a_sample(
    shipped_suite,
) -> None:
    recorded, tests = shipped_suite
    start = time.perf_counter()
    scorer, _ = lite_scorer(MODEL_DIR)
    # Every answer behaviour.json quotes (the worst failures of each test) comes out the same.
    quoted = {
        text: p
        for row in recorded["model"]["tests"]
        for ex in row["examples"]
        for text, p in ((ex["text"], ex["p"]), (ex.get("original"), ex.get("p_original")))
        if text is not None
    }
    assert len(quoted) >= 100
    fresh = dict(zip(quoted, scorer(list(quoted)), strict=True))
    moved = {
        text: (p, round(fresh[text], 4))
        for text, p in quoted.items()
        if abs(fresh[text] - p) > 5.1e-5
    }
    assert not moved, moved
    # Each capability's fail rate on the sample is its recorded rate, up to sampling error.
    sampled = _sampled(tests)
    rates = capability_rates(run(sampled, scorer))
    worse = {
        cap: (rate, recorded["model"]["capabilities"][cap])
        for cap, rate in rates.items()
        if rate
        > recorded["model"]["capabilities"][cap]
        + _sampling_error(recorded, cap, CASES_PER_TEST)
        + NOISE
    }
    assert not worse, worse
    texts = len({x for t in sampled for x in t.texts()})
    print(
        f"behaviour sample: {texts} texts + {len(quoted)} quoted, {time.perf_counter() - start:.0f} s"
    )


@pytest.mark.dataset
@pytest.mark.full
def test_the_shipped_model_does_no_worse_than_its_recorded_figures(shipped_suite) -> None:
    recorded, tests = shipped_suite
    start = time.perf_counter()
    scorer, _ = lite_scorer(MODEL_DIR)
    rates = capability_rates(run(tests, scorer))
    worse = report.regressions(recorded, rates, NOISE)
    assert not worse, worse
    print(f"behaviour suite on the shipped model: {time.perf_counter() - start:.0f} s")


def test_the_command_reports_a_previous_model_beside_the_model(monkeypatch, tmp_path) -> None:
    from convert.behaviour import __main__ as cli
    from convert.behaviour import run as run_module
    from convert.data.imdb import Imdb

    sentences = _sentences()
    reviews = [
        Review(" ".join(sentences[i : i + 10]), 1, 8, f"train/pos/{i}")
        for i in range(0, len(sentences), 10)
    ]
    monkeypatch.setattr(cli, "load", lambda source: Imdb(reviews, []))
    scorers = {"new": _lexicon_model, "old": lambda texts: [0.5] * len(texts)}
    monkeypatch.setattr(run_module, "lite_scorer", lambda path: (scorers[path.name], path.name))
    assert cli.main(["--model", "new", "--previous", "old", "--out", str(tmp_path)]) == 0
    figs = report.read(tmp_path / report.JSON_NAME)
    assert (figs["model"]["model_version"], figs["previous"]["model_version"]) == ("new", "old")
    assert "`old` (previous)" in (tmp_path / report.MD_NAME).read_text()


def test_a_capability_worse_than_recorded_is_named() -> None:
    recorded = {"model": {"capabilities": {"NER": 0.10, "Fairness": 0.20}}}
    assert report.regressions(recorded, {"NER": 0.1005, "Fairness": 0.19}) == {}
    assert list(report.regressions(recorded, {"NER": 0.102, "Fairness": 0.19})) == ["NER"]
    # A capability the record lacks counts from zero.
    assert list(report.regressions(recorded, {"Temporal": 0.05})) == ["Temporal"]


def test_a_missing_archive_is_a_clear_error(tmp_path, capsys) -> None:
    from convert.behaviour import __main__ as cli

    assert cli.main(["--data", str(tmp_path / "missing.tar.gz"), "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
