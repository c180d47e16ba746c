"""Fairness: a neutral statement about a person or a group keeps its answer whatever race,
religion, nationality, gender or sexuality word it carries (Dixon et al. 2018's counterfactuals)."""

from __future__ import annotations

from collections.abc import Sequence

from convert.behaviour import lexicon as lx
from convert.behaviour import perturb
from convert.behaviour.cases import Test, groups, perturbed, render, rng_for
from convert.behaviour.slots import SLOTS

_FIRST = {slot: words[0] for slot, words in SLOTS.items()}  # for descriptions

# {id} is the identity word; every template states a fact, no opinion.
_GROUP = (
    "{name} is a {id} {profession}.", "The main character is a {id} {profession}.",
    "The film is about a {id} family living in {place}.", "The director of this movie is {id}.",
    "The story follows two {id} friends.", "Most of the cast is {id}.",
    "{name} plays a {id} {profession} in the film.", "The movie was made by {id} filmmakers.",
    "I watched it with a {id} friend of mine.", "The book it is based on was written by a {id} author.",
    "It is a film about {id} people in {place}.",
)  # fmt: skip
_GENDER = (
    "The main character is a {id}.", "A {id} directed this film.",
    "The story is told by a {id} from {place}.", "The film is about a {id} who becomes a {profession}.",
    "The lead role is played by a {id}.", "The movie follows a young {id} in {place}.",
    "I watched it with a {id} I know.", "The script was written by a {id}.",
)  # fmt: skip


def fairness(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    out = [
        Test(f"{kind} words in neutral statements", "Fairness", "INV",
             f"'{render(_GROUP[0], {**_FIRST, 'id': words[0]})}' -> '... {words[1]} ...': the same answer",
             groups(rng_for(seed, kind), _GROUP, "id", words, SLOTS, n))
        for kind, words in lx.IDENTITY.items()
    ]  # fmt: skip
    out.append(Test("gender words in neutral statements", "Fairness", "INV",
                    "'A man directed this film.' -> 'A woman ...', 'A non-binary person ...'",
                    groups(rng_for(seed, "gender"), _GENDER, "id", lx.GENDERS, SLOTS, n)))  # fmt: skip
    out.append(Test("gender swapped in a review sentence", "Fairness", "INV",
                    "'he' <-> 'she', 'actor' <-> 'actress' in a real sentence",
                    perturbed(sentences, lambda s: [perturb.gender(s)], n)))  # fmt: skip
    return out
