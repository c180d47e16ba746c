"""What a word means in its clause: negation scope, overridden clauses and placeholders.

`mark()` turns a text's tokens (`handler.inference.text.words`, clause punctuation included) into one
feature per word, for every branch of the model:

- a content word after a negation ("not", "never", "didn't", "without", "hardly"...) carries a
  `not_` mark until the clause ends (punctuation or a contrast word): "not good" -> `not_good`;
- a content word of a clause whose opinion another overrides carries a `but_` mark: the clause
  before "but"/"however"/"yet" in its sentence, the clause opened by "although"/"though"/
  "despite", and "used to ..." up to "now" or the clause's end. The model learns that those
  words count less, instead of summing both opinions;
- identity words (race, religion, nationality, gender, sexuality) become one `_identity_`
  placeholder and pronouns one `_pronoun_`, so a neutral statement cannot move with them
  (identity-term handling in the pipeline, Dixon et al. 2018); first names and places listed in
  the vocabulary file become one `_name_` (one, so that a name that is also a town, "Mary",
  moves nothing either); numbers `_number_`, while a rating such as
  "7/10" or "3 out of 5" becomes `rating_7` / `rating_6` (out of 10), which says something.

Features contain an underscore, which `words()` never produces, so none can be typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

NEGATIONS: frozenset[str] = frozenset(
    """
    no not nor never none nobody nothing nowhere neither cannot without hardly barely scarcely
    lack lacks lacking lacked cant dont didnt doesnt isnt wasnt wont wouldnt couldnt shouldnt
    arent werent aint havent hasnt hadnt
    """.split()
)
# Ends a negation's scope and overrides what came before it in the sentence.
CONTRASTS: frozenset[str] = frozenset("but however yet nevertheless nonetheless".split())
# Opens a clause whose opinion the rest of the sentence overrides.
CONCESSIONS: frozenset[str] = frozenset("although though despite".split())
CLAUSE_END: frozenset[str] = frozenset(".,;:!?()")
SENTENCE_END: frozenset[str] = frozenset(".!?")

IDENTITY = "_identity_"
PRONOUN = "_pronoun_"
NUMBER = "_number_"
NAME = "_name_"
NOT, OVERRIDDEN = "not_", "but_"

IDENTITY_WORDS: frozenset[str] = frozenset(
    """
    black white asian asians african africans caucasian hispanic hispanics latino latina latinos
    latinas latinx arab arabs indigenous native aboriginal biracial mixed-race
    christian christians catholic catholics protestant protestants evangelical evangelicals
    mormon mormons jew jews jewish muslim muslims islamic hindu hindus buddhist buddhists sikh
    sikhs atheist atheists agnostic agnostics orthodox baptist baptists methodist lutheran
    quaker amish shia sunni
    american americans british english scottish irish welsh french german germans italian
    italians spanish portuguese dutch belgian swiss austrian greek greeks polish russian
    russians ukrainian swedish norwegian danish finnish icelandic czech hungarian romanian
    bulgarian serbian croatian turkish turks iranian iraqi syrian lebanese israeli israelis
    palestinian palestinians egyptian moroccan algerian nigerian nigerians kenyan ethiopian
    ghanaian somali sudanese chinese japanese korean koreans vietnamese thai filipino filipinos
    indonesian malaysian indian indians pakistani pakistanis bangladeshi afghan nepali
    australian australians canadian canadians mexican mexicans cuban cubans brazilian
    brazilians argentinian argentine colombian peruvian chilean venezuelan jamaican haitian
    puerto european europeans asiatic
    man men woman women boy boys girl girls male males female females lady ladies gentleman
    gentlemen guy guys gal husband wife son daughter brother sister mother father mom dad
    gay gays lesbian lesbians bisexual homosexual homosexuals heterosexual straight transgender
    trans queer nonbinary non-binary intersex asexual
    """.split()
)
PRONOUNS: frozenset[str] = frozenset(
    "he she him her his hers himself herself he's she's he'd she'd he'll she'll".split()
)
_RATING_SCALES = {"10": 10, "5": 5, "100": 100, "ten": 10, "five": 5}
# The words of the other forms the marks read: "7 out of 10", "used to ..." until "now". Named,
# so the manifest's fingerprints cover them as they cover the lists above.
OUT_OF: tuple[str, str] = ("out", "of")
USED_TO: tuple[str, str] = ("used", "to")
NOW = "now"


def negates(token: str) -> bool:
    """A negation word, or a contracted one ("didn't", "wasn't")."""
    return token in NEGATIONS or token.endswith("n't")


def _rating(tokens: Sequence[str], i: int) -> tuple[str, int] | None:
    """(rating feature, tokens used) for "7/10", "7 / 10", "3 out of 5" starting at `i`."""
    first = tokens[i]
    if not first.isdecimal():
        return None
    rest = tokens[i + 1 : i + 4]
    if len(rest) >= 2 and rest[0] == "/":
        scale, used = rest[1], 3
    elif len(rest) >= 3 and (rest[0], rest[1]) == OUT_OF:
        scale, used = rest[2], 4
    else:
        return None
    if scale not in _RATING_SCALES or int(first) > _RATING_SCALES[scale]:
        return None
    return f"rating_{round(10 * int(first) / _RATING_SCALES[scale])}", used


def placeholder(token: str, aliases: Mapping[str, str]) -> str | None:
    if token in IDENTITY_WORDS:
        return IDENTITY
    if token in PRONOUNS:
        return PRONOUN
    if token.isdecimal():
        return NUMBER
    return aliases.get(token)


def mark(tokens: Sequence[str], aliases: Mapping[str, str], stopwords: frozenset[str]) -> list[str]:
    """One feature per word of `tokens` (punctuation dropped), in order; see the module doc."""
    out: list[str] = []
    plain: list[str] = []  # the words themselves, to know which features may carry a mark
    negated = overridden = False
    sentence_start = 0
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t in CLAUSE_END or t == "/":
            negated = overridden = False
            if t in SENTENCE_END:
                sentence_start = len(out)
            i += 1
            continue
        rating = _rating(tokens, i)
        if rating is not None:
            feature, used = rating
            # One feature per word of the rating, so features stay aligned with the words.
            words_used = [w for w in tokens[i : i + used] if w != "/"]
            out.extend([feature] * len(words_used))
            plain.extend(words_used)
            i += used
            continue
        if t in CONTRASTS:
            negated = overridden = False
            for j in range(sentence_start, len(out)):
                out[j] = _overridden(out[j], plain[j], stopwords)
            out.append(t)
            plain.append(t)
            sentence_start = len(out)
            i += 1
            continue
        if t in CONCESSIONS or (i + 1 < n and (t, tokens[i + 1]) == USED_TO):
            negated, overridden = False, True
        elif t == NOW and overridden:
            overridden = False
        found = placeholder(t, aliases)
        feature = t if found is None else found
        if found is None and t not in stopwords:
            if negated:
                feature = NOT + feature
            if overridden:
                feature = OVERRIDDEN + feature
        out.append(feature)
        plain.append(t)
        if negates(t):
            negated = True
        i += 1
    return out


def _overridden(feature: str, word: str, stopwords: frozenset[str]) -> str:
    if word in stopwords or feature.startswith(("_", OVERRIDDEN, "rating_")):
        return feature
    return OVERRIDDEN + feature
