from __future__ import annotations

import pytest

from satark.geography.models import District, PoliceStation
from satark.posters.lookup import resolve_prefill
from satark.posters.prefill import PREFILL_MAX, candidates, parse_prefill, prefill_for, prefill_length

pytestmark = pytest.mark.django_db


def test_every_station_and_district_prefill_is_short_and_round_trips(reference: None) -> None:
    stations = list(PoliceStation.objects.select_related("district"))
    assert len(stations) == 75
    for station in stations:
        text = prefill_for(station.district, station)
        assert prefill_length(text) <= PREFILL_MAX and len(text) <= PREFILL_MAX
        assert text.startswith("Namaste 🙏 Satark Mitra [")
        assert parse_prefill(text) == (station.district.code, station.code)
        assert resolve_prefill(text) == (station.district, station)
    for district in District.objects.all():
        text = prefill_for(district)
        assert parse_prefill(text) == (district.code, None)
        assert resolve_prefill(text) == (district, None)


def test_the_prefill_is_readable_and_stable(reference: None) -> None:
    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    assert prefill_for(karanda.district, karanda) == "Namaste 🙏 Satark Mitra [ghazipur/karanda]"
    assert prefill_for(karanda.district) == "Namaste 🙏 Satark Mitra [ghazipur]"
    longest = PoliceStation.objects.get(code="chandauli-kotwali-mughalsarai-pt-ddu-nagar")
    assert prefill_for(longest.district, longest).endswith("[chandauli/kotwali-mughalsarai-pt-ddu-nagar]")
    with pytest.raises(ValueError, match="not in district"):
        prefill_for(District.objects.get(code="jaunpur"), karanda)


KARANDA = ("ghazipur", "ghazipur-karanda")
KOTWALI = ("jaunpur", "jaunpur-kotwali-jaunpur-city")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Namaste 🙏 Satark Mitra [ghazipur/karanda]", KARANDA),
        ("namaste satark mitra [GHAZIPUR/KARANDA]", KARANDA),
        ("Hi [ Ghazipur / Karanda ] yahan sharab bik rahi hai", KARANDA),
        ("maine dekha\n[ghazipur/karanda]\nkal raat", KARANDA),
        ("[ghazipur:karanda]", KARANDA),
        ("[ghazipur | karanda]", KARANDA),
        ("[ghazipur\\karanda]", KARANDA),
        ("Satark Mitra [ghazipur-karanda]", KARANDA),  # slash retyped as a hyphen
        ("Namaste Satark Mitra ghazipur/karanda", KARANDA),  # brackets deleted
        ("Namaste Satark Mitra ghazipur / karanda please", KARANDA),
        ("sharab bik rahi hai, ghazipur/karanda.", KARANDA),
        ("Namaste 🙏 Satark Mitra ［ＧＨＡＺＩＰＵＲ／ＫＡＲＡＮＤＡ］", KARANDA),  # full-width keyboard
        ("नमस्ते [ghazipur/karanda] गाँव में जुआ", KARANDA),
        ("[jaunpur/kotwali-jaunpur-city]", KOTWALI),
        ("[jaunpur/Kotwali Jaunpur City]", KOTWALI),
        ("[jaunpur/kotwali_jaunpur_city]", KOTWALI),
        ("Namaste 🙏 Satark Mitra [jaunpur]", ("jaunpur", None)),
        ("Satark Mitra [ Chandauli ] help", ("chandauli", None)),
    ],
)
def test_edited_prefills_still_parse(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_prefill(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hi",
        "Namaste 🙏 Satark Mitra",
        "मुझे सूचना देनी है",
        "ghazipur karanda",  # no brackets and no slash: too ambiguous
        "[]",
        "[   ]",
        "[123]",
        "[photo attached]",
        "[ghazipur/]",
        "[/karanda]",
        "[ghazipur/karanda/extra]",
        "[गाजीपुर/करंडा]",
        "12/05/2026",
        "https://wa.me/15550783881",
        "[" + "a" * 200 + "]",
    ],
)
def test_garbage_does_not_parse(text: str) -> None:
    assert parse_prefill(text) is None


def test_first_bracketed_code_wins_and_bare_codes_come_after() -> None:
    assert candidates("and/or [ghazipur/karanda] [jaunpur]") == [KARANDA, ("jaunpur", None), ("and", "and-or")]
    assert parse_prefill("[jaunpur] then [ghazipur/karanda]") == ("jaunpur", None)


def test_resolve_checks_the_database(reference: None) -> None:
    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    ghazipur = karanda.district
    # A bare "and/or" before an unbracketed code is skipped because no district "and" exists.
    assert resolve_prefill("drugs and/or liquor, ghazipur/karanda") == (ghazipur, karanda)
    assert resolve_prefill("[ghazipur/no-such-station]") == (ghazipur, None)
    assert resolve_prefill("[varanasi/cantt]") is None
    assert resolve_prefill("[jaunpur/karanda]") == (District.objects.get(code="jaunpur"), None)
    assert resolve_prefill("Hi") is None
    karanda.active = False
    karanda.save()
    assert resolve_prefill("[ghazipur/karanda]") == (ghazipur, None)  # a merged station's old poster
