"""Write A4 poster PDFs and QR codes (PNG, SVG) for districts and police stations.

    manage.py make_posters                          # every district and active station
    manage.py make_posters --district ghazipur      # Ghazipur and its stations
    manage.py make_posters --station ghazipur-karanda --lang en --out /tmp/posters

Per place: <code>.hi.pdf / <code>.en.pdf, <code>.qr.png, <code>.qr.svg, under <out>/<district>/;
per district, all of its posters in one printable file <district>.all.<lang>.pdf; and <out>/links.csv
(code, place, prefill, link) for the whole run.

    manage.py make_posters --meta-qr                # also Meta's own QR codes (Graph API message_qrdls)

With --meta-qr each place also gets <code>.meta-qr.png and a wa.me/message/<code> short link (column
meta_link), registered through the configured channel; an existing code for the same text is reused.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from satark.geography.models import District, PoliceStation
from satark.posters import qr
from satark.posters.pdf import languages, poster_pdf, posters_pdf
from satark.posters.prefill import parse_prefill, prefill_for

Place = tuple[District, PoliceStation | None]


def _station(code: str) -> PoliceStation:
    """A station by its code (``ghazipur-karanda``) or routing code (``ghazipur/karanda``)."""
    wanted = code.strip().lower()
    parsed = parse_prefill(f"[{wanted}]") if "/" in wanted else None
    if parsed is not None and parsed[1] is not None:
        wanted = parsed[1]
    station = PoliceStation.objects.select_related("district").filter(code=wanted).first()
    if station is None:
        raise CommandError(f"no police station with code {code!r} (e.g. ghazipur-karanda)")
    return station


def select_places(district_code: str = "", station_code: str = "") -> list[Place]:
    if station_code:
        station = _station(station_code)
        if district_code and station.district.code != district_code:
            raise CommandError(f"station {station.code} is not in district {district_code}")
        return [(station.district, station)]
    districts = District.objects.select_related("range").order_by("order", "code")
    if district_code:
        districts = districts.filter(code=district_code)
        if not districts.exists():
            raise CommandError(f"no district with code {district_code!r}")
    places: list[Place] = []
    for district in districts:
        places.append((district, None))
        stations = district.stations.filter(active=True).order_by("code")
        places.extend((district, station) for station in stations)
    return places


class Command(BaseCommand):
    help = "Write printable A4 posters (PDF, Hindi/English) and QR codes (PNG/SVG) for districts and stations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="", help="district code, e.g. ghazipur (with all its stations)")
        parser.add_argument("--station", default="", help="one station: ghazipur-karanda or ghazipur/karanda")
        parser.add_argument("--out", default="", help="output folder (default: <SATARK_VAR_DIR>/posters)")
        parser.add_argument("--lang", default="both", choices=["hi", "en", "both"])
        parser.add_argument(
            "--meta-qr", action="store_true", help="also register Meta QR codes (message_qrdls) via the channel"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            qr.business_number()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        places = select_places(options["district"], options["station"])
        if not places:
            raise CommandError("no districts loaded: run `manage.py load_reference` first")
        out = Path(options["out"] or Path(settings.VAR_DIR) / "posters")
        langs = languages(options["lang"])
        rows: list[dict[str, str]] = []
        files = 0
        # The channel by its dotted path (posters never imports the channel package).
        channel = import_string(settings.SATARK_CHANNEL)() if options["meta_qr"] else None
        for district, station in places:
            code = station.code if station else district.code
            folder = out / district.code
            folder.mkdir(parents=True, exist_ok=True)
            link = qr.link_for(district, station)
            (folder / f"{code}.qr.png").write_bytes(qr.qr_png(link))
            (folder / f"{code}.qr.svg").write_bytes(qr.qr_svg(link, title=f"Satark Mitra {code}"))
            for lang in langs:
                (folder / f"{code}.{lang}.pdf").write_bytes(poster_pdf(district, station, lang))
            files += 2 + len(langs)
            place = f"{station.label('en')}, {district.label('en')}" if station else district.label("en")
            row = {"code": code, "place": place, "prefill": prefill_for(district, station), "link": link}
            if channel is not None:
                try:
                    row["meta_link"], png = channel.qr_code(prefill_for(district, station))
                except Exception as exc:  # say which place failed and why, then stop
                    raise CommandError(f"{code}: the Graph API refused the QR code: {exc}") from exc
                if png:
                    (folder / f"{code}.meta-qr.png").write_bytes(png)
                    files += 1
            rows.append(row)
            if options["verbosity"] > 1:
                self.stdout.write(f"  {code}")
        if not options["station"]:
            for district in {d.pk: d for d, _ in places}.values():
                mine = [p for p in places if p[0].pk == district.pk]
                for lang in langs:
                    book = posters_pdf(mine, lang, title=f"{district.code} (all)")
                    (out / district.code / f"{district.code}.all.{lang}.pdf").write_bytes(book)
                    files += 1
        out.mkdir(parents=True, exist_ok=True)
        with (out / "links.csv").open("w", encoding="utf-8", newline="") as handle:
            fields = ["code", "place", "prefill", "link"] + (["meta_link"] if channel is not None else [])
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        if options["verbosity"]:
            self.stdout.write(f"wrote {files + 1} files for {len(places)} places to {out}")
