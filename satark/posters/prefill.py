"""The prefilled WhatsApp message printed (as a QR code) on each poster, and its routing code.

A poster's QR code opens WhatsApp with a draft such as::

    Namaste 🙏 Satark Mitra [ghazipur/karanda]

The bracketed *routing code* is ``[<district code>/<station part>]`` (or ``[<district code>]`` for a
district poster), where the district code is ``District.code`` and the station part is
``PoliceStation.code`` without its ``"<district code>-"`` prefix. Full codes rather than invented
abbreviations keep the code stable for as long as the reference data keeps its codes: a printed
poster outlives any abbreviation scheme, and a new district can never collide with an old one.

**The prefill is only a hint.** WhatsApp shows it as an editable draft: the citizen can change or
delete it, type their own words around it, or forward a screenshot of the poster to somebody far
away. It is not authenticated and says nothing about where the citizen is — only which poster's QR
code was scanned, most likely. The bot may use it to suggest a district/station, and must let the
citizen confirm or change it; it must never be taken as proof of location.

This module is pure (standard library only, no database, no settings) so that any layer can use
``parse_prefill``. Resolving a parsed code against the database is ``satark.posters.lookup``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from satark.geography.models import District, PoliceStation

# Meta: a QR code's / short link's prefilled message is at most 140 characters. We count UTF-16 code
# units (an emoji counts as two), which is never less than the code point count, to stay safe.
PREFILL_MAX = 140
GREETING = "Namaste 🙏 Satark Mitra"

_WORD = r"[a-z][a-z0-9]*"  # a district code: starts with a letter
_SLUG_RE = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # a station part: kotwali-jaunpur-city
# "[ district / station ]" or "[ district ]": square brackets (NFKC folds full-width ones), anything
# non-bracket inside; the inside is then checked. Separators / \ : | with optional spaces around.
_BRACKETED = re.compile(r"\[([^\[\]]{1,80})\]")
_SEPARATOR = re.compile(r"\s*[/\\:|]\s*")
_DISTRICT = re.compile(rf"^{_WORD}$")
_STATION = re.compile(rf"^{_SLUG_RE}$")
# Without brackets only the shape word/word-word is accepted (a bare word is far too ambiguous), both
# parts starting with a letter and not inside a URL, a date or a path.
_BARE = re.compile(rf"(?<![a-z0-9/.:@_-])({_WORD})\s*/\s*((?=[a-z]){_SLUG_RE})(?![a-z0-9/@_-])")


def prefill_length(text: str) -> int:
    """Length as WhatsApp counts it, conservatively: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def station_part(district_code: str, station_code: str) -> str:
    """``PoliceStation.code`` without the ``<district>-`` prefix (the loader builds codes that way)."""
    prefix = f"{district_code}-"
    return station_code[len(prefix) :] if station_code.startswith(prefix) else station_code


def routing_code(district_code: str, station_code: str | None = None) -> str:
    """``[ghazipur/karanda]`` for a station, ``[ghazipur]`` for a district."""
    if station_code is None:
        return f"[{district_code}]"
    return f"[{district_code}/{station_part(district_code, station_code)}]"


def prefill_for(district: District, station: PoliceStation | None = None) -> str:
    """The draft message for a poster of ``district`` (and ``station``, if given).

    Latin script on purpose: "Namaste" reads the same to Hindi and English speakers, and the bot asks
    for the language next anyway. The result is at most ``PREFILL_MAX`` characters. Only a hint to
    the bot — the citizen can edit it (see the module docstring).
    """
    if station is not None and station.district_id != district.pk:
        raise ValueError(f"station {station.code} is not in district {district.code}")
    text = f"{GREETING} {routing_code(district.code, station.code if station else None)}"
    if prefill_length(text) > PREFILL_MAX:
        raise ValueError(f"prefill for {station.code if station else district.code} exceeds {PREFILL_MAX} characters")
    return text


def _normalise(text: str) -> str:
    # NFKC folds full-width brackets/letters that some keyboards produce; casefold ignores case.
    text = unicodedata.normalize("NFKC", text).casefold()
    return text.replace("\u200b", "").replace("\u200c", "").replace("\u200d", "")


def _slug(text: str) -> str:
    # "kotwali jaunpur city", "Kotwali_Jaunpur-City" -> "kotwali-jaunpur-city"
    return re.sub(r"[\s_.-]+", "-", text.strip()).strip("-")


def _from_bracket(inner: str) -> tuple[str, str | None] | None:
    parts = _SEPARATOR.split(inner.strip(), maxsplit=1)
    if len(parts) == 2:
        district, station = _slug(parts[0]), _slug(parts[1])
        if _DISTRICT.match(district) and _STATION.match(station):
            return district, f"{district}-{station}"
        return None
    token = _slug(parts[0])
    if _DISTRICT.match(token):
        return token, None
    if _STATION.match(token) and token[0].isalpha() and " " not in parts[0].strip():
        # "[ghazipur-karanda]": the slash retyped as a hyphen. District codes of this range have no
        # hyphen, so read it as a full station code <district>-<station part>.
        return token.partition("-")[0], token
    return None


def candidates(text: str) -> list[tuple[str, str | None]]:
    """Every routing code found in ``text``, best first: bracketed ones, then bare ``district/station``.

    PURE. ``parse_prefill`` returns the first; ``lookup.resolve_prefill`` returns the first that
    exists in the database (so an "and/or" typed before an unbracketed code does not hide it).
    """
    if not text:
        return []
    norm = _normalise(text)
    found: list[tuple[str, str | None]] = []
    for match in _BRACKETED.finditer(norm):
        code = _from_bracket(match.group(1))
        if code is not None and code not in found:
            found.append(code)
    for match in _BARE.finditer(norm):
        code = (match.group(1), f"{match.group(1)}-{match.group(2)}")
        if code not in found:
            found.append(code)
    return found


def parse_prefill(text: str) -> tuple[str, str | None] | None:
    """Find a routing code in a (possibly edited) message. PURE: no database.

    Returns ``(district_code, station_code)`` — ``station_code`` is a full ``PoliceStation.code``
    such as ``"ghazipur-karanda"``, or ``None`` for a district code — or ``None`` when the text holds
    no routing code. Tolerates extra words before/after, any letter case, spaces inside the brackets
    and around the separator, ``\\ : |`` instead of ``/``, ``-`` instead of ``/`` when the code has
    no spaces, spaces or ``_`` instead of ``-`` in the station part, full-width characters, and
    missing brackets around ``district/station`` (a bare ``[district]`` needs its brackets). Several
    codes: the first bracketed one wins (see ``candidates``). The codes are not checked
    against the database (``lookup.resolve_prefill`` does that) and are only a hint: the citizen can
    edit the draft, so the bot must let them confirm the place.
    """
    found = candidates(text)
    return found[0] if found else None
