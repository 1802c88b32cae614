"""A tip's sensitivity class and the reason an operator reads, from its category, the reporter's answers and
words, and (when the classifiers have run) its media's signals.

`assess()` is pure (no database, no settings); `refresh(tip)` applies it to a tip and its media. The class
exists for every tip: before or without the classifiers it comes from category and answers alone, and the
reason says the media are unclassified.

Order: critical > restricted (explicit media: restricted viewing) > high > normal. What no model detects
(blood, violence, minors, crowds) is never inferred from pixels: it comes from the category, the answers
and the reporter's own words. Voice-note transcripts are not used (they may be wrong)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from satark.tips.models import Sensitivity, Tip
from satark.tips.reasons import Reason, describe, reason

from .models import MediaAsset

# Categories handled as at least "high" whatever the media show.
HIGH_CATEGORIES = {
    "illegal_arms": "illegal arms",
    "trafficking": "trafficking",
    "serious_crime": "serious crime",
    "forced_conversion": "forced conversion",
}
# (answer key, answer values) -> (class, reason code in tips.reasons): what the reporter said.
ANSWER_RULES: list[tuple[str, frozenset[str], str, str]] = [
    ("minors_involved", frozenset({"yes"}), Sensitivity.CRITICAL, "children"),
    ("crime_type", frozenset({"murder", "kidnapping"}), Sensitivity.HIGH, "murder_kidnapping"),
    ("cow_activity", frozenset({"transport"}), Sensitivity.HIGH, "cattle_transport"),
]
# Words in the reporter's own text that mean violence or danger now (Hindi, romanised Hindi, English).
# The conversation's urgent words already set `urgent`; these catch the same in a description.
DANGER_WORDS = [
    "firing",
    "goli chal",
    "goli mar",
    "गोली चल",
    "गोली मार",
    "फायरिंग",
    "hatya",
    "हत्या",
    "murder",
    "katl",
    "कत्ल",
    "rape",
    "balatkar",
    "बलात्कार",
    "kidnap",
    "apharan",
    "अपहरण",
    "acid",
    "tezab",
    "तेजाब",
    "खून",
    "khoon",
    "blood",
    "bomb",
    "बम",
    "jaan ka khatra",
    "जान का खतरा",
    "maar dalenge",
    "मार डालेंगे",
]
_DANGER = re.compile("|".join(re.escape(w) for w in DANGER_WORDS), re.IGNORECASE)
SIGNAL_WORDS = {"weapon": "possible weapon", "vehicle": "vehicle", "cattle": "cattle", "explicit": "explicit"}
_RANK = {Sensitivity.NORMAL: 0, Sensitivity.HIGH: 1, Sensitivity.RESTRICTED: 2, Sensitivity.CRITICAL: 3}


@dataclass(frozen=True)
class MediaFacts:
    kind: str
    classified: bool  # a classifier looked at it (classifier != "")
    restricted: bool
    signals: Mapping[str, Any] = field(default_factory=dict)
    pending: bool = False  # analysis not finished yet


@dataclass(frozen=True)
class Assessment:
    sensitivity: str
    reasons: tuple[Reason, ...]  # codes and values (tips.reasons), put into words when shown
    media_classified: bool

    @property
    def reason(self) -> str:
        """The reasons in English (logs, tests); the dashboard shows them in the reader's language."""
        return describe(self.reasons, translate=False)


def _score(signals: Mapping[str, Any], name: str) -> float:
    value = signals.get(name)
    return float(value.get("score", 0.0)) if isinstance(value, Mapping) else 0.0


def _top(signals: Mapping[str, Any], name: str) -> str:
    value = signals.get(name)
    evidence = str(value.get("evidence", "")) if isinstance(value, Mapping) else ""
    return evidence.split(",")[0].split(" (frame")[0]


def assess(
    *,
    category: str,
    answers: Mapping[str, Any],
    text: str,
    urgent: bool,
    police_involved: bool,
    media: Sequence[MediaFacts],
    thresholds: Mapping[str, float],
    classifiers_installed: bool = True,
) -> Assessment:
    level = Sensitivity.NORMAL
    reasons: list[Reason] = []

    def raise_to(new: str, why: Reason) -> None:
        nonlocal level
        if _RANK[Sensitivity(new)] > _RANK[Sensitivity(level)]:
            level = Sensitivity(new)
        if why not in reasons:
            reasons.append(why)

    if urgent:
        raise_to(Sensitivity.CRITICAL, reason("urgent"))
    words = " ".join([text, *(str(v) for k, v in answers.items() if k not in ("category", "district"))])
    match = _DANGER.search(words)
    if match:
        raise_to(Sensitivity.CRITICAL, reason("wrote", word=match.group(0)[:60]))
    for key, values, new, code in ANSWER_RULES:
        if str(answers.get(key, "")) in values:
            raise_to(new, reason(code))
    if category in HIGH_CATEGORIES:
        raise_to(Sensitivity.HIGH, reason("category", category=HIGH_CATEGORIES[category]))
    if police_involved:
        raise_to(Sensitivity.HIGH, reason("police"))

    classified = [m for m in media if m.classified]
    weapon = max((_score(m.signals, "weapon") for m in classified), default=0.0)
    if weapon >= thresholds["weapon"]:
        best = max(classified, key=lambda m: _score(m.signals, "weapon"))
        shown = str(answers.get("arms_activity", "")) == "carried"
        raise_to(
            Sensitivity.CRITICAL if shown or urgent else Sensitivity.HIGH,
            reason("weapon_likely", evidence=_top(best.signals, "weapon")),
        )
    elif weapon >= thresholds["weapon_possible"]:
        best = max(classified, key=lambda m: _score(m.signals, "weapon"))
        raise_to(Sensitivity.HIGH, reason("weapon_possible", evidence=_top(best.signals, "weapon")))
    restricted = [m for m in media if m.restricted]
    if restricted:
        raise_to(Sensitivity.RESTRICTED, reason("explicit", n=len(restricted)))
    for name in ("vehicle", "cattle"):
        hits = [m for m in classified if _score(m.signals, name) >= thresholds[name]]
        if hits:
            best = max(hits, key=lambda m: _score(m.signals, name))
            reasons.append(reason("shows", what=SIGNAL_WORDS[name], evidence=_top(best.signals, name)))

    visual = [m for m in media if m.kind in ("image", "sticker", "video")]
    unclassified = [m for m in visual if not m.classified]
    if unclassified:
        if any(m.pending for m in unclassified):
            code = "pending"
        elif not classifiers_installed:
            code = "no_classifiers"
        else:
            code = "unclassified"
        reasons.append(reason(code, n=len(unclassified), total=len(visual)))
    media_classified = not unclassified and not any(m.pending for m in media)
    return Assessment(str(level), tuple(reasons) or (reason("nothing"),), media_classified)


def facts_of(assets: Iterable[MediaAsset]) -> list[MediaFacts]:
    return [
        MediaFacts(
            kind=a.kind,
            classified=bool(a.classifier),
            restricted=a.restricted,
            signals=a.signals or {},
            pending=a.analysis == MediaAsset.Analysis.PENDING,
        )
        for a in assets
    ]


def assess_tip(tip: Tip) -> Assessment:
    from django.conf import settings

    from .ml import installed

    assets = MediaAsset.objects.filter(tip=tip, report=None, state=MediaAsset.State.READY)
    return assess(
        category=tip.category.code,
        answers=tip.answers or {},
        text=tip.description,
        urgent=tip.urgent,
        police_involved=tip.police_involved,
        media=facts_of(assets),
        thresholds=settings.SATARK_SENSITIVITY_THRESHOLDS,
        classifiers_installed=settings.SATARK_MEDIA_CLASSIFIERS and installed(),
    )


def refresh(tip: Tip) -> Assessment:
    """Recompute and store `tip.sensitivity`, `sensitivity_reasons` and `media_classified`. Call it when a
    tip is filed and whenever its media change; the media pipeline calls it after each item's analysis."""
    result = assess_tip(tip)
    stored = [[code, values] for code, values in result.reasons]
    tip.sensitivity, tip.sensitivity_reasons, tip.media_classified = (
        result.sensitivity,
        stored,
        result.media_classified,
    )
    Tip.objects.filter(pk=tip.pk).update(
        sensitivity=result.sensitivity, sensitivity_reasons=stored, media_classified=result.media_classified
    )
    return result


def refresh_by_id(tip_id: int) -> Assessment | None:
    tip = Tip.objects.select_related("category").filter(pk=tip_id).first()
    return refresh(tip) if tip is not None else None
