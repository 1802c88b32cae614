"""Matching what a reporter types against options and command words.

Text is compared after normalisation: Unicode NFKC, case folding, punctuation removed, runs of
spaces collapsed, and a few Devanagari spelling variants folded together (nukta dropped,
chandrabindu read as anusvara, zero-width joiners removed), so "Gau", "gau!" and "GAU" match,
and so do Ghazipur spelt in Devanagari with and without the nukta.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

_FOLD = {
    0x093C: None,  # DEVANAGARI SIGN NUKTA
    0x200C: None,  # ZERO WIDTH NON-JOINER
    0x200D: None,  # ZERO WIDTH JOINER
    0x0901: 0x0902,  # CANDRABINDU -> ANUSVARA
}


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    kept = [ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text]
    return " ".join("".join(kept).split())


def as_number(text: str) -> int | None:
    """The number typed ("2", "2.", or in Devanagari digits), or None."""
    norm = normalize(text)
    if norm and norm.isdecimal() and len(norm) <= 3:
        return int(norm)
    return None


def word_count(text: str) -> int:
    return len(normalize(text).split())


def is_word(text: str, words: Iterable[str]) -> bool:
    """True when the whole message is one of ``words`` (after normalisation)."""
    norm = normalize(text)
    return bool(norm) and any(norm == normalize(word) for word in words)


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    size = len(needle)
    if not size:
        return False
    return any(tuple(haystack[i : i + size]) == tuple(needle) for i in range(len(haystack) - size + 1))


def label_names(label: str) -> list[str]:
    """A label and its parts: "Gambling / betting" is also "gambling" and "betting"."""
    names = [label]
    for part in label.replace("(", "/").replace(")", "/").replace(",", "/").split("/"):
        if part.strip() and part.strip() not in names:
            names.append(part.strip())
    return names


def find(text: str, candidates: Sequence[tuple[str, Sequence[str], Sequence[str]]]) -> tuple[str, bool]:
    """Pick the candidate a message means.

    ``candidates`` are ``(id, names, keywords)``: ``names`` must equal the whole message,
    ``keywords`` may also appear inside a longer message ("gaon me sharab bikti hai" finds the
    candidate with keyword "sharab"). Returns ``(id, exact)``; id is "" when nothing or more
    than one candidate matched.
    """
    norm = normalize(text)
    if not norm:
        return "", False
    for candidate_id, names, keywords in candidates:
        if any(norm == normalize(name) for name in (*names, *keywords)):
            return candidate_id, True
    tokens = norm.split()
    found: list[str] = []
    for candidate_id, _names, keywords in candidates:
        if any(_contains(tokens, normalize(word).split()) for word in keywords):
            if candidate_id not in found:
                found.append(candidate_id)
    if len(found) == 1:
        return found[0], False
    return "", False


def contains_any(text: str, phrases: Iterable[str]) -> bool:
    """True when one of ``phrases`` appears in ``text`` as whole words (after normalisation)."""
    tokens = normalize(text).split()
    return any(_contains(tokens, normalize(phrase).split()) for phrase in phrases)
