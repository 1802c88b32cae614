"""The sensitivity class: from category and answers alone, and with media signals; refresh() on a tip;
shareable_media() for officers' WhatsApp tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from satark.media import analysis, selectors, sensitivity
from satark.media.sensitivity import MediaFacts, assess
from satark.tips.models import Category, Tip
from satark.tips.reasons import describe

from . import factory

T = {"explicit": 0.5, "weapon": 0.6, "weapon_possible": 0.3, "vehicle": 0.4, "cattle": 0.3}


def _assess(category: str = "gambling", *, media: list[MediaFacts] | None = None, **kw: Any) -> sensitivity.Assessment:
    args: dict[str, Any] = {"answers": {}, "text": "", "urgent": False, "police_involved": False}
    args.update(kw)
    return assess(category=category, media=media or [], thresholds=T, **args)


def _photo(**scores: float) -> MediaFacts:
    signals = {name: {"score": s, "evidence": f"{name}-class {s:.2f}"} for name, s in scores.items()}
    restricted = scores.get("explicit", 0) >= T["explicit"]
    return MediaFacts(kind="image", classified=True, restricted=restricted, signals=signals)


def test_category_and_answers_alone_give_a_class() -> None:
    assert _assess().sensitivity == "normal"
    assert _assess().reason == "category and answers: nothing urgent"
    assert _assess("illegal_arms").sensitivity == "high"
    assert _assess(police_involved=True).sensitivity == "high"
    assert _assess("cow_smuggling", answers={"cow_activity": "transport"}).sensitivity == "high"
    children = _assess("trafficking", answers={"minors_involved": "yes"})
    assert children.sensitivity == "critical" and "children" in children.reason
    assert _assess(urgent=True).sensitivity == "critical"


@pytest.mark.parametrize("words", ["वहाँ गोली चल रही है", "log khoon se lathpath", "FIRING near the ghat"])
def test_the_reporters_own_words_route_what_no_model_sees(words: str) -> None:
    result = _assess(text=words)
    assert result.sensitivity == "critical" and "reporter wrote" in result.reason


def test_media_signals_raise_the_class_with_their_evidence() -> None:
    possible = _assess(media=[_photo(weapon=0.4, explicit=0.01)])
    assert possible.sensitivity == "high" and "may show a weapon (weapon-class 0.40)" in possible.reason
    likely = _assess("illegal_arms", media=[_photo(weapon=0.95)], answers={"arms_activity": "sold"})
    assert likely.sensitivity == "high" and "likely show a weapon" in likely.reason
    shown = _assess("illegal_arms", media=[_photo(weapon=0.95)], answers={"arms_activity": "carried"})
    assert shown.sensitivity == "critical"
    explicit = _assess("trafficking", media=[_photo(explicit=0.93), _photo(explicit=0.01)])
    assert explicit.sensitivity == "restricted" and "1 media item(s) explicit" in explicit.reason
    cattle = _assess("cow_smuggling", media=[_photo(cattle=0.7, vehicle=0.5)])
    assert cattle.sensitivity == "normal" and "cattle (cattle-class 0.70)" in cattle.reason
    assert "vehicle (vehicle-class 0.50)" in cattle.reason
    assert _assess(media=[_photo(weapon=0.29, explicit=0.49)]).sensitivity == "normal"


def test_unclassified_media_are_said_so_and_never_called_safe() -> None:
    unclassified = MediaFacts(kind="video", classified=False, restricted=False)
    result = _assess(media=[unclassified, _photo(weapon=0.0)], classifiers_installed=False)
    assert "1 of 2 photo/video unclassified: classifiers not installed" in result.reason
    assert not result.media_classified and "safe" not in result.reason.lower()
    pending = _assess(media=[MediaFacts(kind="image", classified=False, restricted=False, pending=True)])
    assert "not yet classified" in pending.reason and not pending.media_classified
    assert _assess(media=[_photo(weapon=0.0)]).media_classified


@pytest.mark.django_db
def test_refresh_and_shareable_media_on_a_tip() -> None:
    category = Category.objects.create(code="illegal_arms", title={"en": "Illegal arms"}, description={"en": "x"})
    tip = Tip.objects.create(reference="TST-ML001", category=category, language="hi", reporter_ref="rp_x")
    first = factory.ready_asset("image", factory.jpeg(), mime="image/jpeg", tip=tip)
    second = factory.ready_asset("image", factory.jpeg(factory.picture((10, 10, 10))), mime="image/jpeg", tip=tip)
    result = sensitivity.refresh(tip)
    tip.refresh_from_db()
    assert ["pending", {"n": 2, "total": 2}] in tip.sensitivity_reasons  # stored as a code with its values
    assert tip.sensitivity == "high" and "2 of 2 photo/video not yet classified" in describe(
        tip.sensitivity_reasons, translate=False)
    assert not tip.media_classified and result.sensitivity == tip.sensitivity
    analysis.run(str(first.id))  # each finished analysis refreshes the tip
    with override_settings(SATARK_MEDIA_CLASSIFIERS=False):
        analysis.run(str(second.id))
    tip.refresh_from_db()
    assert "1 of 2 photo/video unclassified" in describe(tip.sensitivity_reasons, translate=False)
    assert not tip.media_classified
    shareable, withheld = selectors.shareable_media(tip)
    assert {a.pk for a in shareable} == {first.pk, second.pk} and withheld == 0
    type(first).objects.filter(pk=first.pk).update(restricted=True)
    shareable, withheld = selectors.shareable_media(tip)
    assert [a.pk for a in shareable] == [second.pk] and withheld == 1
    assert selectors.thumbnail_file(tip, str(first.id), blurred=True).is_file()  # type: ignore[union-attr]
