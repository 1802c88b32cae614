from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from satark.geography.models import District, Place, PoliceStation
from satark.geography.selectors import district_at
from satark.tips.models import Category

pytestmark = pytest.mark.django_db
REGION = Path(settings.SATARK_REFERENCE_DIR) / "varanasi-range"


def test_varanasi_range_loads_and_reloads_idempotently() -> None:
    call_command("load_reference", verbosity=0)
    assert sorted(District.objects.values_list("code", flat=True)) == ["chandauli", "ghazipur", "jaunpur"]
    assert PoliceStation.objects.count() == 75
    assert PoliceStation.objects.filter(district__code="ghazipur").count() == 28
    kotwali = PoliceStation.objects.get(code="jaunpur-kotwali-jaunpur-city")
    assert kotwali.name["hi"] == "कोतवाली जौनपुर" and kotwali.coord_confidence == "medium"
    assert Category.objects.count() == 11
    assert Category.objects.get(code="serious_crime").serious_crime
    assert Place.objects.filter(kind="tehsil").count() == 18 and Place.objects.filter(kind="block").count() == 31
    assert "Mughalsarai" in PoliceStation.objects.get(code="chandauli-kotwali-mughalsarai-pt-ddu-nagar").aliases
    assert all(len(c.title[lang]) <= 20 for c in Category.objects.all() for lang in ("en", "hi"))
    call_command("load_reference", verbosity=0)
    assert PoliceStation.objects.count() == 75 and Category.objects.count() == 11


def test_points_are_located_in_their_district() -> None:
    call_command("load_reference", verbosity=0)
    assert district_at(25.58, 83.58).code == "ghazipur"  # type: ignore[union-attr]
    assert district_at(25.755, 82.684).code == "jaunpur"  # type: ignore[union-attr]
    assert district_at(25.26, 83.27).code == "chandauli"  # type: ignore[union-attr]
    assert district_at(25.32, 82.97) is None  # Varanasi city: a commissionerate, outside the range


def test_another_region_loads_from_its_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "other"
    shutil.copytree(REGION, folder)
    config = json.loads((folder / "range.json").read_text(encoding="utf-8"))
    config["code"], config["reference_prefix"] = "TST", "TST"
    config["districts"] = config["districts"][:1]
    config["files"].pop("places")  # this test region has no tehsils, blocks or aliases
    config["files"].pop("station_aliases")
    (folder / "range.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "stations.csv").write_text(
        "district_en,district_hi,thana_en,thana_hi,circle_en,lat,lon,source,confidence\n"
        "Jaunpur,जौनपुर,Test Thana,टेस्ट थाना,,25.7,82.7,test,high\n",
        encoding="utf-8",
    )
    call_command("load_reference", dir=str(folder), verbosity=0)
    assert PoliceStation.objects.get().name == {"en": "Test Thana", "hi": "टेस्ट थाना"}


def test_bad_files_give_a_clear_error_and_load_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(REGION, folder)
    with (folder / "stations.csv").open("a", encoding="utf-8") as handle:
        handle.write("Lucknow,लखनऊ,Hazratganj,हजरतगंज,,26.8,80.9,x,high\n")
    with pytest.raises(CommandError, match="unknown district 'Lucknow'"):
        call_command("load_reference", dir=str(folder), verbosity=0)
    assert District.objects.count() == 0 and PoliceStation.objects.count() == 0


def test_a_pin_without_a_named_station_goes_to_the_nearest_station_of_its_district() -> None:
    from satark.geography.selectors import nearest_station

    call_command("load_reference", verbosity=0)
    kotwali = PoliceStation.objects.get(code="ghazipur-kotwali-ghazipur-city")
    assert kotwali.lat is not None and kotwali.lon is not None
    ghazipur = District.objects.get(code="ghazipur")
    assert nearest_station(ghazipur, kotwali.lat + 0.001, kotwali.lon - 0.001) == kotwali
    from satark.tips.actions import TipDraft, do_submit_tip

    tip = do_submit_tip(
        TipDraft(
            category_code="gambling",
            district_code="",
            description="x",
            answers={},
            language="hi",
            reporter_ref="rp_x",
            location=(kotwali.lat, kotwali.lon),
        )
    )
    assert (tip.district, tip.station) == (ghazipur, kotwali)
