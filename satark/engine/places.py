"""Approximate matching of a typed place name against police stations, tehsils and blocks.

People type place names in Devanagari or in Roman letters, spelt many ways: Madiyahun in
Devanagari, "Madiyahun", "Mariahu", "mariyahu"; Mughalsarai in Devanagari, "Mughalsarai",
"Mugalsarai". Every name is first brought to one rough Roman *key*:

1. Devanagari is transliterated letter by letter (consonants with their inherent "a" except at
   the end of a word, vowel signs, anusvara as "n"); nukta and chandrabindu are already folded by
   :func:`matching.normalize`.
2. The Roman text is folded: aspirates lose their "h" (gh → g, bh → b, chh → c), long vowels are
   shortened (aa → a, ee → i, oo → u), diphthongs are merged (au/ou → o, ai/ay → e), "z" → "j",
   "w" → "v", "iy" → "i" and doubled letters are single.

Keys are compared with :class:`difflib.SequenceMatcher`. A typed message is cut into windows of
words (after dropping filler words such as "thana", "ke", "paas", supplied by the questionnaire),
and each window is compared with each name of each place, so "Madiyahun thane ke paas" and
"gaon Sureri, Madiyahun" both find Madiyahun. Short keys (under five letters) count only when
equal, and approximate matches must start with the same letter, which keeps everyday words
("balu", sand) from matching small places ("Balua").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .matching import label_names, normalize
from .types import Choice

# Scores of SequenceMatcher.ratio() on keys.
CONFIDENT = 0.88  # one place this close (and clearly ahead of the next) is offered alone
CANDIDATE = 0.78  # places at least this close are offered as candidates
CLEAR_LEAD = 0.06
MAX_CANDIDATES = 3
MIN_FUZZY_KEY = 5
MAX_WORDS = 16
STATION = (
    "station"  # the kind of a police station among the places  # only the first words of a long message are searched
)

# Devanagari code points (the engine's code holds no Devanagari text, only numbers).
_CONSONANTS = {
    0x0915: "k", 0x0916: "kh", 0x0917: "g", 0x0918: "gh", 0x0919: "n",
    0x091A: "ch", 0x091B: "chh", 0x091C: "j", 0x091D: "jh", 0x091E: "n",
    0x091F: "t", 0x0920: "th", 0x0921: "d", 0x0922: "dh", 0x0923: "n",
    0x0924: "t", 0x0925: "th", 0x0926: "d", 0x0927: "dh", 0x0928: "n", 0x0929: "n",
    0x092A: "p", 0x092B: "ph", 0x092C: "b", 0x092D: "bh", 0x092E: "m",
    0x092F: "y", 0x0930: "r", 0x0931: "r", 0x0932: "l", 0x0933: "l", 0x0934: "l", 0x0935: "v",
    0x0936: "sh", 0x0937: "sh", 0x0938: "s", 0x0939: "h",
}  # fmt: skip
_VOWELS = {
    0x0905: "a", 0x0906: "aa", 0x0907: "i", 0x0908: "ii", 0x0909: "u", 0x090A: "uu", 0x090B: "ri",
    0x090D: "e", 0x090F: "e", 0x0910: "ai", 0x0911: "o", 0x0913: "o", 0x0914: "au",
}  # fmt: skip
_SIGNS = {
    0x093E: "aa", 0x093F: "i", 0x0940: "ii", 0x0941: "u", 0x0942: "uu", 0x0943: "ri",
    0x0945: "e", 0x0947: "e", 0x0948: "ai", 0x0949: "o", 0x094B: "o", 0x094C: "au",
}  # fmt: skip
_ANUSVARA = 0x0902
_VISARGA = 0x0903
_VIRAMA = 0x094D
_DIGITS = range(0x0966, 0x0970)

# Applied in order to transliterated, lower-case Roman text.
_FOLDS = (
    ("chh", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("jh", "j"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("bh", "b"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "j"),
    ("w", "v"),
    ("ee", "i"),
    ("ii", "i"),
    ("oo", "u"),
    ("uu", "u"),
    ("aa", "a"),
    ("ou", "o"),
    ("au", "o"),
    ("ai", "e"),
    ("ay", "e"),
    ("ey", "e"),
    ("iy", "i"),
)


def transliterate(text: str) -> str:
    """Devanagari letters as rough Roman letters; everything else is kept."""
    out: list[str] = []
    points = [ord(char) for char in text]
    for position, point in enumerate(points):
        following = points[position + 1] if position + 1 < len(points) else -1
        if point in _CONSONANTS:
            out.append(_CONSONANTS[point])
            if following in _SIGNS or following == _VIRAMA:
                continue
            if following in (_ANUSVARA, _VISARGA):
                out.append("a")
            elif following in _CONSONANTS:
                # The inherent vowel, dropped between a vowel and a consonant with a vowel sign
                # (the usual Hindi schwa deletion: "jau-n-pur", not "jau-na-pur").
                previous = points[position - 1] if position else -1
                after = points[position + 2] if position + 2 < len(points) else -1
                if not ((previous in _SIGNS or previous in _VOWELS) and after in _SIGNS):
                    out.append("a")
        elif point in _SIGNS:
            out.append(_SIGNS[point])
        elif point in _VOWELS:
            out.append(_VOWELS[point])
        elif point == _ANUSVARA:
            out.append("n")
        elif point == _VISARGA:
            out.append("h")
        elif point == _VIRAMA:
            continue
        elif point in _DIGITS:
            out.append(str(point - _DIGITS.start))
        else:
            out.append(chr(point))
    return "".join(out)


def fold_word(word: str) -> str:
    """One word's key: transliterated, folded, without doubled letters."""
    key = transliterate(word).lower()
    key = "".join(ch for ch in key if ch.isascii() and ch.isalnum())
    for old, new in _FOLDS:
        key = key.replace(old, new)
    collapsed: list[str] = []
    for ch in key:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    return "".join(collapsed)


def fold(text: str, ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """The keys of the words of ``text``, without the words in ``ignore`` (already folded)."""
    dropped = set(ignore)
    keys = []
    for word in normalize(text).split():
        key = fold_word(word)
        if key and key not in dropped:
            keys.append(key)
    return tuple(keys)


@dataclass(frozen=True)
class PlaceName:
    """One spelling of one place, as folded word keys."""

    place: str
    group: str
    words: tuple[str, ...]
    kind: str = ""

    @property
    def key(self) -> str:
        return "".join(self.words)


def build_index(places: Sequence[Choice], ignore: Iterable[str]) -> tuple[PlaceName, ...]:
    """Every label, label part and synonym of every place, folded once at load time."""
    dropped = tuple(fold_word(word) for word in ignore)
    index: list[PlaceName] = []
    for place in places:
        names: list[str] = []
        for label in place.labels.values():
            names.extend(label_names(label))
        names.extend(place.synonyms)
        seen: set[tuple[str, ...]] = set()
        for name in names:
            words = fold(name, dropped)
            if words and words not in seen:
                seen.add(words)
                index.append(PlaceName(place=place.id, group=place.group, words=words, kind=place.kind))
    return tuple(index)


def _score(window: str, name: str) -> float:
    if window == name:
        return 1.0
    if len(window) < MIN_FUZZY_KEY or len(name) < MIN_FUZZY_KEY or window[0] != name[0]:
        return 0.0
    matcher = difflib.SequenceMatcher(None, window, name, autojunk=False)
    if matcher.real_quick_ratio() < CANDIDATE or matcher.quick_ratio() < CANDIDATE:
        return 0.0
    return matcher.ratio()


def scores(index: Sequence[PlaceName], words: Sequence[str], group: str = "") -> dict[str, float]:
    """The best score of each place (of ``group``, when given) against the typed words."""
    words = tuple(words[:MAX_WORDS])
    best: dict[str, float] = {}
    for name in index:
        if group and name.group and name.group != group:
            continue
        size = len(name.words)
        top = 0.0
        for width in {max(1, size - 1), size, size + 1}:
            for start in range(0, max(1, len(words) - width + 1)):
                window = "".join(words[start : start + width])
                # A name typed as more words than it has ("mughal sarai") may not be much longer.
                if window and (width <= size or len(window) <= len(name.key) + 1):
                    top = max(top, _score(window, name.key))
        if top > best.get(name.place, 0.0):
            best[name.place] = top
    return best


def find_places(
    index: Sequence[PlaceName], text: str, ignore: Iterable[str] = (), group: str = ""
) -> tuple[tuple[str, ...], bool]:
    """The places a typed message may mean, best first, and whether the first is a confident match.

    With ``group`` the places of that group are tried first; only when none of them is close
    enough are all places tried, and then only close matches count.
    """
    dropped = tuple(fold_word(word) for word in ignore)
    words = fold(text, dropped)
    if not words:
        return (), False
    found = _ranked(scores(index, words, group))
    if group and not found:
        # Another district only for a close match: a reporter may well pick the wrong district,
        # but a loose match far away is more likely a false one.
        found = [item for item in _ranked(scores(index, words)) if item[1] >= CONFIDENT]
    if not found:
        return (), False
    found = _prefer_stations(found, {name.place: name.kind for name in index})
    confident = found[0][1] >= CONFIDENT and (len(found) == 1 or found[1][1] <= found[0][1] - CLEAR_LEAD)
    if confident:
        return (found[0][0],), True
    return tuple(place for place, _ in found[:MAX_CANDIDATES]), False


def _prefer_stations(found: list[tuple[str, float]], kinds: dict[str, str]) -> list[tuple[str, float]]:
    """A station and a tehsil or block of the same name (Madiyahun thana, Mariahu tehsil): the
    station is the more useful answer, so the others that tie with it are dropped."""
    top = [place for place, score in found if score >= found[0][1] - CLEAR_LEAD / 2]
    stations = [place for place in top if kinds.get(place) == STATION]
    if len(top) > 1 and len(stations) == 1:
        return [item for item in found if item[0] not in top or item[0] == stations[0]]
    return found


def _ranked(best: dict[str, float]) -> list[tuple[str, float]]:
    ranked = [(place, score) for place, score in best.items() if score >= CANDIDATE]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked
