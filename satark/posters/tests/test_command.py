from __future__ import annotations

import csv
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_make_posters_for_one_station(reference: None, tmp_path: Path) -> None:
    call_command("make_posters", station="ghazipur/karanda", out=str(tmp_path), lang="en", verbosity=0)
    folder = tmp_path / "ghazipur"
    assert sorted(p.name for p in folder.iterdir()) == [
        "ghazipur-karanda.en.pdf",
        "ghazipur-karanda.qr.png",
        "ghazipur-karanda.qr.svg",
    ]
    assert (folder / "ghazipur-karanda.en.pdf").read_bytes().startswith(b"%PDF-")
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["code"] == "ghazipur-karanda"
    assert row["prefill"] == "Namaste 🙏 Satark Mitra [ghazipur/karanda]"
    assert row["link"].startswith("https://wa.me/15550783881?text=")


def test_make_posters_for_a_district(reference: None, tmp_path: Path) -> None:
    call_command("make_posters", district="chandauli", lang="en", out=str(tmp_path), verbosity=0)
    folder = tmp_path / "chandauli"
    names = {p.name for p in folder.iterdir()}
    assert {"chandauli.en.pdf", "chandauli.qr.png", "chandauli.qr.svg", "chandauli.all.en.pdf"} <= names
    assert {"chandauli-mahila-thana.en.pdf", "chandauli-mahila-thana.qr.png"} <= names
    assert not any(n.endswith(".hi.pdf") for n in names)
    stations = 17
    assert len([n for n in names if n.endswith(".qr.png")]) == stations + 1
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == stations + 1
    import pypdf

    assert len(pypdf.PdfReader(folder / "chandauli.all.en.pdf").pages) == stations + 1


def test_make_posters_rejects_unknown_codes(reference: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no police station"):
        call_command("make_posters", station="ghazipur-nowhere", out=str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="no district"):
        call_command("make_posters", district="varanasi", out=str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="not in district"):
        call_command("make_posters", district="jaunpur", station="ghazipur-karanda", out=str(tmp_path), verbosity=0)


def test_meta_qr_codes_are_registered_once_through_the_graph_api(
    reference: None, tmp_path: Path, sim: httpx.Client
) -> None:
    for _ in range(2):  # a second run reuses the code Meta already has for the same text
        call_command(
            "make_posters", station="ghazipur/karanda", out=str(tmp_path), lang="en", meta_qr=True, verbosity=0
        )
    listed = sim.get(
        f"/{settings.SATARK_GRAPH_API_VERSION}/{settings.SATARK_WHATSAPP_PHONE_NUMBER_ID}/message_qrdls",
        headers={"Authorization": f"Bearer {settings.SATARK_WHATSAPP_TOKEN}"},
    )
    codes = listed.json()["data"]
    assert [c["prefilled_message"] for c in codes] == ["Namaste 🙏 Satark Mitra [ghazipur/karanda]"]
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["meta_link"] == codes[0]["deep_link_url"] and row["meta_link"].startswith("https://wa.me/message/")
    image = (tmp_path / "ghazipur" / "ghazipur-karanda.meta-qr.png").read_bytes()
    assert image.startswith(b"\x89PNG")
