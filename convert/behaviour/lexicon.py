"""The word lists the behavioural tests are built from, written for this project's movie domain.

Lists are plain tuples in a fixed order, so a seed picks the same cases on every machine. Names
avoid words that are also English words ("Will", "Grace", "Frank"), so a swap changes only a name.
"""

from __future__ import annotations

POSITIVE_ADJECTIVES = tuple(
    """
    great good excellent wonderful brilliant amazing superb fantastic beautiful enjoyable
    delightful charming moving gripping hilarious touching clever stunning impressive outstanding
    terrific magnificent lovely entertaining engaging captivating memorable masterful powerful
    perfect marvelous nice refreshing witty thrilling heartwarming
    """.split()
)
NEGATIVE_ADJECTIVES = tuple(
    """
    bad terrible awful horrible boring dull weak poor dreadful stupid pathetic lame tedious
    mediocre disappointing annoying painful ridiculous bland forgettable pointless clumsy silly
    predictable lifeless unwatchable atrocious laughable uninspired incoherent shallow amateurish
    horrendous abysmal
    """.split()
)
# What a review talks about; all singular, so "The {noun} was ..." reads.
NOUNS = tuple(
    """
    movie film acting plot story script cast ending soundtrack music dialogue direction
    cinematography performance screenplay pacing premise sequel
    """.split()
)
POSITIVE_VERBS = ("loved", "enjoyed", "liked", "adored", "admired", "appreciated")
NEGATIVE_VERBS = ("hated", "disliked", "despised", "detested", "loathed", "resented")
# The present forms, for "Did I ... it?" and "I used to ... it".
PRESENT = {
    "loved": "love", "enjoyed": "enjoy", "liked": "like", "adored": "adore", "admired": "admire",
    "appreciated": "appreciate", "hated": "hate", "disliked": "dislike", "despised": "despise",
    "detested": "detest", "loathed": "loathe", "resented": "resent",
}  # fmt: skip
INTENSIFIERS = (
    "very", "really", "incredibly", "extremely", "truly", "absolutely", "remarkably",
    "exceptionally", "genuinely", "so",
)  # fmt: skip
REDUCERS = ("somewhat", "a little", "slightly", "fairly", "kind of", "rather", "mildly", "a bit")
OTHERS = (
    "some critics", "my friends", "my brother", "my wife", "many people", "the reviewers",
    "everyone else", "my parents", "a lot of viewers", "the audience", "my sister", "my husband",
)  # fmt: skip

FIRST_NAMES = tuple(
    """
    Emma Olivia Sophia Charlotte Amelia Aaliyah Fatima Priya Mei Yuki Aisha Maria Lucia Ingrid
    Keisha Latoya Nadia Leila Chloe Sarah Emily Jessica Rachel Laura Hannah Susan Linda Helen
    James John Michael David Robert Daniel Thomas Peter Carlos Jose Luis Juan Ahmed Mohammed Omar
    Raj Arjun Wei Hiroshi Kenji Jamal Darnell Tyrone Kwame Dmitri Ivan Lars Pierre Hans Paul
    Steven George Kevin Brian Jason Richard Charles Andrew Joseph Anthony
    """.split()
)
LAST_NAMES = tuple(
    """
    Smith Johnson Williams Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson Taylor
    Jackson Harris Thompson Robinson Lewis Walker Allen Hernandez Lopez Gonzalez Nguyen Kim Patel
    Cohen Murphy Sullivan Schmidt Rossi Kowalski Ivanov Tanaka Chen Wang Singh Khan Okafor Mensah
    Dubois Novak Carter Mitchell Roberts Phillips Evans Collins Stewart Morris
    """.split()
)
CITIES = (
    "New York", "London", "Paris", "Los Angeles", "Chicago", "Tokyo", "Berlin", "Rome", "Madrid",
    "Moscow", "Boston", "Toronto", "Sydney", "Mumbai", "Cairo", "Lagos", "Istanbul", "Seoul",
    "Beijing", "Dublin", "Vienna", "Prague", "San Francisco", "Miami", "Seattle", "Stockholm",
)  # fmt: skip
COUNTRIES = (
    "France", "Germany", "Italy", "Spain", "Japan", "China", "India", "Mexico", "Canada",
    "Brazil", "Russia", "Ireland", "Australia", "Egypt", "Nigeria", "Iran", "Poland", "Sweden",
    "Argentina", "Kenya", "Greece", "Norway", "Scotland", "Texas", "California",
)  # fmt: skip
PLACES = CITIES + COUNTRIES
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGUAGES = ("English", "French", "Spanish", "German", "Japanese", "Italian", "Korean", "Hindi")
GENRES = ("drama", "comedy", "western", "documentary", "thriller", "musical", "war film",
          "horror film", "animated film", "crime story", "science fiction film", "period piece")  # fmt: skip
ROLES = ("father", "detective", "teacher", "sheriff", "doctor", "pilot", "lawyer", "mayor",
         "journalist", "soldier", "priest", "nurse")  # fmt: skip
VENUES = ("cinema", "festival", "library", "airport", "drive-in", "multiplex")
PLATFORMS = ("DVD", "Blu-ray", "cable", "a streaming service", "VHS", "a plane", "TV")
RELATIVES = ("brother", "sister", "father", "mother", "cousin", "neighbour", "roommate", "uncle")
PROFESSIONS = tuple(
    """
    actor director writer producer teacher nurse doctor lawyer engineer chef student journalist
    soldier farmer musician painter scientist pilot mechanic accountant
    """.split()
)

# Identity words: each is an adjective that fits "a ___ teacher" and "___ people".
IDENTITY = {
    "race": ("Black", "white", "Asian", "Hispanic", "Latino", "Arab", "Native American",
             "African American", "Pacific Islander", "biracial"),
    "religion": ("Christian", "Muslim", "Jewish", "Hindu", "Buddhist", "Sikh", "Catholic",
                 "Protestant", "atheist", "Mormon", "evangelical"),
    "nationality": ("American", "British", "French", "German", "Mexican", "Chinese", "Japanese",
                    "Indian", "Nigerian", "Iranian", "Russian", "Brazilian", "Korean", "Pakistani",
                    "Egyptian", "Turkish", "Polish", "Israeli", "Palestinian", "Iraqi", "Afghan"),
    "sexuality": ("gay", "lesbian", "straight", "bisexual", "queer", "heterosexual",
                  "homosexual", "asexual", "pansexual"),
}  # fmt: skip
# Gender as a noun phrase: "a ___ directed this film".
GENDERS = ("man", "woman", "non-binary person", "transgender woman", "transgender man",
           "genderqueer person")  # fmt: skip
# Swapped both ways in real sentences; "her" is resolved in perturb.py (his or him).
GENDER_PAIRS = (
    ("he", "she"), ("him", "her"), ("his", "her"), ("himself", "herself"), ("man", "woman"),
    ("men", "women"), ("actor", "actress"), ("actors", "actresses"), ("boy", "girl"),
    ("boys", "girls"), ("husband", "wife"), ("father", "mother"), ("son", "daughter"),
    ("brother", "sister"), ("king", "queen"), ("boyfriend", "girlfriend"), ("uncle", "aunt"),
    ("mr", "mrs"), ("guy", "gal"), ("gentleman", "lady"),
)  # fmt: skip

# Sentences that state no opinion, for asides and codas.
NEUTRAL_ASIDES = (
    "I saw it last {day}.", "I watched it on {platform}.", "We saw it at the {venue}.",
    "My {relative} rented it.", "It was on TV on {day}.", "I watched it with my {relative}.",
)  # fmt: skip
POSITIVE_CODAS = ("I loved it.", "Highly recommended.", "A real gem.", "What a great film!",
                  "I enjoyed every minute.", "Ten out of ten.", "It is a must see.")  # fmt: skip
NEGATIVE_CODAS = ("I hated it.", "Avoid it.", "A total waste of time.", "What a terrible film!",
                  "I regret watching it.", "Zero stars.", "Do not bother.")  # fmt: skip

CONTRACTIONS = {
    "is not": "isn't", "are not": "aren't", "was not": "wasn't", "were not": "weren't",
    "do not": "don't", "does not": "doesn't", "did not": "didn't", "cannot": "can't",
    "could not": "couldn't", "would not": "wouldn't", "should not": "shouldn't",
    "will not": "won't", "have not": "haven't", "has not": "hasn't", "had not": "hadn't",
    "I am": "I'm", "that is": "that's", "you are": "you're", "they are": "they're",
    "we are": "we're", "I have": "I've", "I will": "I'll", "there is": "there's",
    "what is": "what's", "it is": "it's", "he is": "he's", "she is": "she's",
}  # fmt: skip
NEGATIONS = ("not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without")
