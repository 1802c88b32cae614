"""Generated demo data: months of tips across every police station and category, with the case loop's audit
trail, for the dashboards in `make demo` and for the 1,000,000-tip benchmark (`bench/dashboard.py`).

Everything generated is recognisable and removable: tips carry ``answers["demo"] == "1"`` (and references
with an 8-character body, which real tips never have), their audit events the actor label ``DEMO_ACTOR``,
the officers they are assigned to are inactive rows named "Demo …" with a ``demo-`` contact reference. The
reporter references are random opaque values drawn from the seed: no phone number is ever involved and the
vault holds nothing for them (a notice to such a reporter cannot be delivered; the demo's own phones are the
way to see notices).

Skew, so the pages show something worth looking at: mining near the Ganga/Gomti ghats and in the Vindhya
hills, gambling, liquor and harassment spots in towns, cattle on the border roads; fewer tips on Sundays, an
evening peak, a slowly growing volume; about half the tips carry a pin near their station, and a third of
those fall on a handful of repeat places per station (the hotspots). The case loop is simulated with
realistic delays (assignment after hours, the action report after a day or two, closure after that) and cut
off at the end of the window, so the recent tips are still open and some of them are overdue.

Rows are built in plain Python from one ``random.Random(seed)`` and written with ``bulk_create`` in
batches; the audit events are appended to the hash chain in the order they are inserted (the chain head is
locked for the whole run)."""

from __future__ import annotations

import base64
import bisect
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import DateTimeField, JSONField, QuerySet
from django.utils import timezone

from satark.audit.actions import GENESIS, _digest
from satark.audit.models import AuditEvent, ChainHead
from satark.core.ids import REFERENCE_ALPHABET
from satark.geography.models import PoliceStation, Range
from satark.people.models import Officer, Rank
from satark.tips.models import ActionReport, Category, Tip

DEMO_KEY = "demo"
DEMO_ACTOR = "demo-data"
DEMO_OFFICER_PREFIX = "demo-"
REF_BODY = 8  # real references have 5 characters after the prefix
BATCH = 5000

# Category base weights (share of all tips).
CATEGORY_WEIGHT = {
    "drugs_liquor": 20, "gambling": 14, "other": 14, "illegal_mining": 10, "harassment_spot": 9,
    "cow_smuggling": 8, "extortion_corruption": 7, "serious_crime": 6, "illegal_arms": 5, "trafficking": 3,
    "forced_conversion": 2,
}
# Station kinds by name (slug of the station code) -> category multipliers.
RIVER = ("kotwali-ghazipur", "zamania", "gahmar", "reotipur", "mohammadabad", "karanda", "saidpur", "balua",
         "dhanapur", "kandwa", "sakaldiha", "kerakat", "jalalpur", "chandwak", "kotwali-jaunpur", "rampur-majha",
         "nagsar", "dildarnagar", "bhanwarkol")
HILLS = ("chakia", "naugarh", "chakarghatta", "shahabganj", "iliya")
TOWN = ("kotwali", "city", "line-bazar", "mughalsarai", "ddu", "shahganj", "saidpur", "zamania", "mohammadabad",
        "alinagar", "zafrabad", "machhlishahr", "badlapur", "kerakat", "madiyahun", "dildarnagar", "chakia")
BORDER = ("saiyadraja", "dhina", "naubatpur", "gahmar", "dildarnagar", "baburi", "balua", "sakaldiha", "zamania",
          "chandwak", "mungra")
WEEKDAY = (1.10, 1.05, 1.0, 1.0, 1.05, 1.0, 0.70)  # Monday .. Sunday
HOUR = (1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5, 2)  # local hour of receipt
ANSWERS: dict[str, list[tuple[str, list[str]]]] = {
    "cow_smuggling": [("cow_activity", ["transport", "transport", "slaughter", "other"])],
    "drugs_liquor": [("drugs_type", ["kachchi", "kachchi", "liquor", "ganja", "smack", "hookah", "other"]),
                     ("drugs_activity", ["made", "sold", "sold", "transported"]),
                     ("place_type", ["house", "shop_dhaba", "hotel_lodge", "field_orchard", "roadside_market"])],
    "illegal_arms": [("arms_activity", ["made", "sold", "carried", "carried"]),
                     ("arms_type", ["country_made", "country_made", "pistol_rifle", "other"]),
                     ("people_count", ["1-2", "3-10", "more_than_10"])],
    "gambling": [("gambling_type", ["cards", "cards", "satta", "satta", "online"]),
                 ("place_type", ["house", "shop_dhaba", "field_orchard", "roadside_market", "other"]),
                 ("people_count", ["1-2", "3-10", "3-10", "more_than_10"])],
    "trafficking": [("trafficking_type", ["spa", "hotel_house", "hotel_house", "human_trafficking"]),
                    ("minors_involved", ["no", "no", "no", "unknown", "unknown", "yes"])],
    "harassment_spot": [("harassment_spot_type", ["school_college", "bus_auto_stand", "market", "coaching",
                                                  "lonely_road", "other"]),
                        ("police_on_duty", ["never", "sometimes", "unknown"])],
    "illegal_mining": [("mining_material", ["sand", "sand", "soil", "stone"]),
                       ("mining_activity", ["digging", "overload", "both"])],
    "extortion_corruption": [("extortion_by", ["police", "official", "goons", "goons"]),
                             ("extortion_how", ["hafta", "bribe", "threat"])],
    "forced_conversion": [("conversion_how", ["pressure", "lure", "marriage"]),
                          ("conversion_gatherings", ["yes", "no", "unknown"])],
    "other": [("other_type", ["crime", "suspicious", "suspicious", "other"]),
              ("people_count", ["1-2", "3-10", "more_than_10"])],
    "serious_crime": [("crime_type", ["murder", "robbery", "chain_snatching", "chain_snatching", "theft", "theft",
                                      "kidnapping", "other"]),
                      ("evidence_type", ["cctv", "offender_photo", "other"]),
                      ("accused_known", ["yes", "no", "unknown"])],
}
HIGH_CATEGORIES = {"illegal_arms", "trafficking", "serious_crime", "forced_conversion"}
DESCRIPTION = {
    "en": "Demo tip: {what} near {place}. Generated data, not a real report.",
    "hi": "डेमो सूचना: {place} के पास {what}। यह बनाया गया डेटा है, असली सूचना नहीं।",
}
OCCURRED = {"en": ["now", "today", "yesterday night", "2 hours ago", "every evening"],
            "hi": ["abhi", "aaj", "kal raat", "2 ghante pehle", "roz shaam"]}


@dataclass
class Options:
    tips: int = 1500
    days: int = 120
    seed: int = 7
    until: datetime | None = None  # end of the window (default: now)
    progress: Callable[[str], None] | None = None


@dataclass
class Result:
    tips: int = 0
    events: int = 0
    reports: int = 0
    officers: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def demo_tips() -> QuerySet[Tip]:
    return Tip.objects.filter(**{f"answers__{DEMO_KEY}": "1"})


def has_demo_data() -> bool:
    return bool(demo_tips().exists())


def _slug(station: PoliceStation) -> str:
    return station.code.split("-", 1)[1] if "-" in station.code else station.code


def _matches(slug: str, names: tuple[str, ...]) -> bool:
    return any(n in slug for n in names)


def station_weight(station: PoliceStation) -> float:
    slug = _slug(station)
    if "mahila" in slug or "cyber" in slug:
        return 0.35
    return 2.5 if _matches(slug, ("kotwali", "city")) else 1.0


def category_factor(station: PoliceStation, code: str) -> float:
    slug = _slug(station)
    f = 1.0
    if code == "illegal_mining":
        f = 7.0 if _matches(slug, RIVER) else 6.0 if _matches(slug, HILLS) else 0.4
    elif code in ("gambling", "drugs_liquor"):
        f = 3.0 if _matches(slug, TOWN) else 0.9
    elif code == "harassment_spot":
        f = 2.5 if _matches(slug, TOWN) else 0.6
    elif code == "cow_smuggling":
        f = 3.0 if _matches(slug, BORDER) else 0.8
    if "mahila" in slug:
        f *= 6.0 if code in ("harassment_spot", "trafficking") else 0.2
    if "cyber" in slug:
        f *= 6.0 if code in ("extortion_corruption", "other") else 0.1
    return f


def _offset(lat: float, lon: float, metres: float, angle: float) -> tuple[float, float]:
    dlat = metres * math.cos(angle) / 111_195.0
    dlon = metres * math.sin(angle) / (111_195.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _reference_body(n: int) -> str:
    chars = []
    for _ in range(REF_BODY):
        n, r = divmod(n, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[r])
    return "".join(chars)


def _opaque(rng: random.Random) -> str:
    """Like core.ids.opaque_id() (token_urlsafe(16)), but drawn from the seeded generator."""
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


def _hours(rng: random.Random, median: float, spread: float = 0.9) -> timedelta:
    return timedelta(hours=median * math.exp(rng.gauss(0.0, spread)))


class _Table:
    """Fast inserts of plain rows (no model instances): COPY on PostgreSQL, executemany elsewhere. Ids are
    allocated up front (a sequence on PostgreSQL, max(id)+1 under the transaction's write lock on SQLite), so
    that rows can refer to each other and audit events keep the chain's order."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.json = [isinstance(f, JSONField) for f in fields]
        self.dt = [isinstance(f, DateTimeField) for f in fields]
        self.defaults = [f.get_default() if f.has_default() else None for f in fields]
        self.postgres = connection.vendor == "postgresql"
        self.next_sqlite_id = 0

    def ids(self, n: int) -> list[int]:
        with connection.cursor() as cur:
            if self.postgres:
                cur.execute(f"SELECT nextval(pg_get_serial_sequence('{self.table}', 'id')) "  # noqa: S608 (model's table)
                            "FROM generate_series(1, %s)", [n])
                return [r[0] for r in cur.fetchall()]
            if not self.next_sqlite_id:
                cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')  # noqa: S608 (model's table)
                self.next_sqlite_id = cur.fetchone()[0] + 1
            first, self.next_sqlite_id = self.next_sqlite_id, self.next_sqlite_id + n
            return list(range(first, first + n))

    def _converter(self, i: int) -> Callable[[Any], Any] | None:
        if self.json[i]:
            return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
        if self.dt[i] and not self.postgres:
            return connection.ops.adapt_datetimefield_value
        return None

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        n = len(self.columns)
        plan = [(self.attnames[i], self.defaults[i], self._converter(i)) for i in range(n)]
        values = [
            tuple(conv(r.get(name, default)) if conv else r.get(name, default) for name, default, conv in plan)
            for r in rows
        ]
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cur:
            if self.postgres:
                raw = cur.cursor  # psycopg's own cursor: COPY
                with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for v in values:
                        copy.write_row(v)
            else:
                marks = ", ".join(["%s"] * n)
                cur.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', values)  # noqa: S608


class _Chain:
    """Audit events appended to the hash chain in insertion order (the caller holds the head's lock)."""

    def __init__(self, head: ChainHead) -> None:
        self.head = head
        self.table = _Table(AuditEvent)
        self.pending: list[dict[str, Any]] = []
        self.count = 0

    def add(self, at: datetime, action: str, reference: str, details: dict[str, Any]) -> None:
        details = {**details, DEMO_KEY: "1"}
        at = at.astimezone(UTC)  # as record() stores it and verify_chain() reads it back
        payload = {"at": at.isoformat(), "actor": DEMO_ACTOR, "action": action, "object": f"tip:{reference}",
                   "details": details}
        h = _digest(self.head.hash, payload)
        self.pending.append({"created_at": at, "actor_label": DEMO_ACTOR, "action": action, "object_type": "tip",
                             "object_id": reference, "details": details, "prev_hash": self.head.hash, "hash": h})
        self.head.hash = h
        self.head.count += 1
        self.count += 1

    def flush(self) -> None:
        if self.pending:
            for row, pk in zip(self.pending, self.table.ids(len(self.pending)), strict=True):
                row["id"] = pk  # ascending: the chain's order is the id order
            self.table.insert(self.pending)
            self.pending = []
            self.head.save(update_fields=["hash", "count"])


def _officers(rng: random.Random, stations: list[PoliceStation]) -> dict[int, list[Officer]]:
    """Inactive demo officers (two per station) that hold the generated assignments; inactive, so that nobody
    can assign a real tip to them."""
    ranks = [Rank.SUB_INSPECTOR, Rank.SUB_INSPECTOR, Rank.INSPECTOR, Rank.HEAD_CONSTABLE]
    rows = []
    for s in stations:
        for i in range(2):
            rows.append(Officer(name=f"Demo {s.label('en')} {i + 1}", rank=rng.choice(ranks), district_id=s.district_id,
                                circle_id=s.circle_id, station=s, contact_ref=DEMO_OFFICER_PREFIX + _opaque(rng),
                                language="hi", active=False))
    Officer.objects.bulk_create(rows, batch_size=BATCH)
    created = list(Officer.objects.filter(contact_ref__startswith=DEMO_OFFICER_PREFIX, active=False))
    by_station: dict[int, list[Officer]] = {}
    for o in created:
        by_station.setdefault(o.station_id or 0, []).append(o)
    for v in by_station.values():
        v.sort(key=lambda o: o.contact_ref)
    return by_station


def generate(opts: Options) -> Result:
    rng = random.Random(opts.seed)
    until = opts.until or timezone.now()
    tz = timezone.get_current_timezone()
    start = until - timedelta(days=opts.days)
    stations = list(PoliceStation.objects.filter(active=True).select_related("district").order_by("code"))
    categories = list(Category.objects.filter(active=True).order_by("order", "code"))
    if not stations or not categories:
        raise ValueError("no police stations or categories: run `manage.py load_reference` first")
    prefix = Range.objects.values_list("reference_prefix", flat=True).first() or "VNS"
    result = Result()

    # Where: (station, category) pairs weighted by station size and local skew.
    pairs = [(s, c) for s in stations for c in categories]
    weights = [station_weight(s) * CATEGORY_WEIGHT.get(c.code, 3) * category_factor(s, c.code) for s, c in pairs]
    cum = list(_accumulate(weights))
    spots = {s.pk: [_offset(s.lat or 25.5, s.lon or 83.0, rng.uniform(300, 3500), rng.uniform(0, 2 * math.pi))
                    for _ in range(2 + rng.randrange(4))] for s in stations}
    # When: whole days weighted by weekday and a slow growth, then an hour of the day.
    day0 = start.astimezone(tz).date()
    ndays = (until.astimezone(tz).date() - day0).days + 1
    day_w = [WEEKDAY[(day0 + timedelta(days=i)).weekday()] * (0.7 + 0.3 * i / max(1, ndays - 1))
             for i in range(ndays)]
    day_cum = list(_accumulate(day_w))
    hour_cum = list(_accumulate(HOUR))
    # Who: a pool of reporters, a few of whom write again and again.
    reporters = [_opaque(rng) for _ in range(max(1, int(opts.tips * 0.7)))]
    numbers = rng.sample(range(len(REFERENCE_ALPHABET) ** REF_BODY), opts.tips)

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Check foreign keys as rows arrive: deferred to COMMIT, millions of checks queue up in memory.
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
        chain = _Chain(head)
        officers = _officers(rng, stations)
        result.officers = sum(len(v) for v in officers.values())
        tables = (_Table(Tip), _Table(ActionReport))
        tips: list[dict[str, Any]] = []
        reports: list[tuple[int, dict[str, Any]]] = []
        for i in range(opts.tips):
            if i < len(stations):  # every station and every category appears at least once
                station, category = stations[i], categories[i % len(categories)]
            elif i < len(stations) + len(categories):
                station, category = stations[rng.randrange(len(stations))], categories[i - len(stations)]
            else:
                station, category = pairs[_pick(rng, cum)]
            day = day0 + timedelta(days=_pick(rng, day_cum))
            created = datetime(day.year, day.month, day.day, _pick(rng, hour_cum), rng.randrange(60),
                               rng.randrange(60), tzinfo=tz)
            if created < start or created >= until:  # the first and last day are partial
                created = start + timedelta(seconds=rng.uniform(0, (until - start).total_seconds()))
            tip = _tip(rng, prefix=prefix, number=numbers[i], station=station, category=category, created=created,
                       spots=spots, reporters=reporters, routed=i < len(stations))
            _case_loop(rng, tip, category=category, officers=officers.get(station.pk, []), until=until, chain=chain,
                       reports=reports, index=len(tips))
            tips.append(tip)
            if len(tips) >= BATCH:
                _flush(tables, tips, reports, chain, result)
                if opts.progress and (i + 1) % 100_000 == 0:
                    opts.progress(f"{i + 1:,} tips")
        _flush(tables, tips, reports, chain, result)
    return result


def _accumulate(values: list[float] | tuple[int, ...]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _pick(rng: random.Random, cum: list[float]) -> int:
    """Index drawn with cumulative weights (bisect, like random.choices but returning the index)."""
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _tip(rng: random.Random, *, prefix: str, number: int, station: PoliceStation, category: Category,
         created: datetime, spots: dict[int, list[tuple[float, float]]], reporters: list[str],
         routed: bool) -> dict[str, Any]:
    """One tip; `routed` forces district and station (the first tips cover every station)."""
    code = category.code
    lang = "hi" if rng.random() < 0.7 else "en"
    answers: dict[str, str] = {"category": code, "district": station.district.code}
    for key, values in ANSWERS.get(code, []):
        answers[key] = rng.choice(values)
    answers[DEMO_KEY] = "1"
    police_involved = rng.random() < (0.35 if code == "extortion_corruption" and answers.get("extortion_by") ==
                                      "police" else 0.04)
    answers["police_involved"] = "yes" if police_involved else rng.choice(["no", "no", "unknown"])
    lat = lon = None
    roll = rng.random()
    if roll < 0.2:  # a pin on one of the station's repeat places
        base = spots[station.pk][rng.randrange(len(spots[station.pk]))]
        lat, lon = _offset(*base, rng.uniform(0, 120), rng.uniform(0, 2 * math.pi))
    elif roll < 0.5:  # a pin somewhere in the station's area
        lat, lon = _offset(station.lat or 25.5, station.lon or 83.0, 5000 * math.sqrt(rng.random()),
                           rng.uniform(0, 2 * math.pi))
    unrouted = rng.random() < 0.003 and not routed  # a partial tip whose reporter never said where
    no_station = rng.random() < 0.04 and not (unrouted or routed)  # a district but no station named
    urgent = rng.random() < (0.08 if code in ("serious_crime", "illegal_arms") else 0.005)
    sensitivity, why = "normal", ["nothing", {}]
    if urgent or answers.get("minors_involved") == "yes":
        sensitivity, why = "critical", ["urgent", {}] if urgent else ["children", {}]
    elif code == "trafficking" and rng.random() < 0.1:
        sensitivity, why = "restricted", ["explicit", {"n": 1}]
    elif code in HIGH_CATEGORIES:
        sensitivity, why = "high", ["category", {"category": code.replace("_", " ")}]
    elif answers.get("cow_activity") == "transport":
        sensitivity, why = "high", ["cattle_transport", {}]
    elif answers.get("crime_type") in ("murder", "kidnapping"):
        sensitivity, why = "high", ["murder_kidnapping", {}]
    reasons = [why, ["demo", {}]]  # the page says the tip is generated
    name = station.label(lang)
    what = category.label(lang)
    reporter = reporters[min(len(reporters) - 1, int(len(reporters) * rng.random() ** 2.5))]
    return {
        "reference": f"{prefix}-{_reference_body(number)}",
        "category_id": category.pk,
        "district_id": None if unrouted else station.district_id,
        "station_id": None if unrouted or no_station else station.pk,
        "description": DESCRIPTION[lang].format(what=what, place=name),
        "answers": answers,
        "language": lang,
        "reporter_ref": reporter,
        "police_involved": police_involved,
        "location_lat": lat,
        "location_lon": lon,
        "place_text": "" if lat is not None else name,
        "occurred_at": created - timedelta(hours=rng.choice([0, 0, 1, 3, 20])),
        "occurred_text": rng.choice(OCCURRED[lang]),
        "urgent": urgent,
        "partial": unrouted,
        "status": Tip.Status.NEW.value,
        "outcome": "",
        "sensitivity": sensitivity,
        "sensitivity_reasons": reasons,
        "media_classified": True,
        "questionnaire": "tip.v2",
        "created_at": created,
        "status_changed_at": created,
        "first_assigned_at": None,
        "first_reported_at": None,
    }


def _case_loop(rng: random.Random, tip: dict[str, Any], *, category: Category, officers: list[Officer],
               until: datetime, chain: _Chain, reports: list[tuple[int, dict[str, Any]]], index: int) -> None:
    """Assign, accept, report, close at realistic delays; whatever would happen after `until` has not."""
    now: datetime = tip["created_at"]
    S, Out = Tip.Status, Tip.Outcome
    ref = tip["reference"]

    def step(at: datetime, action: str, status: str, **details: Any) -> bool:
        if at >= until:
            return False
        chain.add(at, f"tip.{action}", ref, {"from": tip["status"], "to": status, "reason": "", **details})
        tip["status"], tip["status_changed_at"] = status, at
        first = {"assign": "first_assigned_at", "report": "first_reported_at"}.get(action)
        if first and tip[first] is None:
            tip[first] = at
        return True

    if tip["district_id"] is None:
        return  # waits for the DIG office to route it
    roll = rng.random()
    if roll < 0.07:  # duplicate or nothing in it: closed without assignment
        outcome = (Out.DUPLICATE if rng.random() < 0.4 else Out.NO_SUBSTANCE).value
        if step(now + _hours(rng, 5), "close", S.CLOSED.value, reason="demo", outcome=outcome):
            tip["outcome"] = outcome
        return
    if roll < 0.075 or not officers:
        return  # never assigned: a small old backlog (overdue once past the deadline)
    officer = officers[rng.randrange(len(officers))]
    slow = 4.0 if category.serious_crime or tip["urgent"] else 1.0
    now += _hours(rng, 2.5 / slow, 1.1)
    if not step(now, "assign", S.ASSIGNED.value, officer=officer.pk):
        return
    tip["officer_id"] = officer.pk
    if rng.random() < 0.8:
        now += _hours(rng, 0.8)
        if not step(now, "accept", S.ACCEPTED.value):
            return
    if rng.random() < 0.03:
        return  # the officer never reported (overdue once past the deadline)
    now += _hours(rng, 30 / slow, 0.8)
    if not step(now, "report", S.ACTION_REPORTED.value):
        return
    reports.append((index, {"officer_id": officer.pk, "text": "Demo action-taken report.", "created_at": now,
                            "submitted_at": now}))
    if rng.random() < 0.02:
        return  # the office never reviewed the report
    now += _hours(rng, 18, 1.0)
    outcome = (Out.ACTION_TAKEN if rng.random() < 0.68 else Out.NO_SUBSTANCE).value
    if step(now, "close", S.CLOSED.value, reason="demo", outcome=outcome):
        tip["outcome"] = outcome


def _flush(tables: tuple[_Table, _Table], tips: list[dict[str, Any]], reports: list[tuple[int, dict[str, Any]]],
           chain: _Chain, result: Result) -> None:
    tip_table, report_table = tables
    for tip, pk in zip(tips, tip_table.ids(len(tips)), strict=True):
        tip["id"] = pk
    tip_table.insert(tips)
    for (index, report), pk in zip(reports, report_table.ids(len(reports)), strict=True):
        report["id"], report["tip_id"] = pk, tips[index]["id"]
    report_table.insert([r for _i, r in reports])
    chain.flush()
    for t in tips:
        result.by_status[t["status"]] = result.by_status.get(t["status"], 0) + 1
    result.tips += len(tips)
    result.reports += len(reports)
    result.events = chain.count
    tips.clear()
    reports.clear()


@dataclass
class Cleared:
    tips: int
    events: int
    officers: int
    chain_intact: bool


def _delete(qs: Any) -> int:
    """Delete the rows of `qs` with set-based statements: rows that refer to them follow their on_delete
    (CASCADE recursively, SET_NULL updated, anything else refuses), then one raw DELETE. Django's collector
    would load every row into memory first, which a million rows do not afford."""
    model = qs.model
    for rel in model._meta.related_objects:
        if rel.many_to_many or rel.field.model._meta.auto_created:
            continue
        related = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs.values("pk")})
        if rel.on_delete is models.CASCADE:
            _delete(related)
        elif rel.on_delete is models.SET_NULL:
            related.update(**{rel.field.name: None})
        elif related.exists():
            raise ValueError(f"{rel.related_model.__name__} rows refer to generated {model.__name__} rows")
    return int(qs._raw_delete(qs.db))


def clear() -> Cleared:
    """Remove generated tips (with everything that hangs on them), their audit events and the demo officers.
    Audit events are append-only and hash-chained: when nothing was recorded after the generated events (a
    fresh demo), the chain head moves back and the chain stays intact; otherwise verify_chain() reports the
    gap (demo databases only)."""
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()  # no event may be appended meanwhile
        n_tips = _delete(Tip._base_manager.filter(**{f"answers__{DEMO_KEY}": "1"}))
        events = AuditEvent.objects.filter(actor_label=DEMO_ACTOR)
        first = events.order_by("id").values_list("id", flat=True).first()
        n_events = int(events._raw_delete(events.db)) if first is not None else 0  # append-only: no delete()
        intact = first is None or not AuditEvent.objects.filter(id__gt=first).exists()
        if first is not None and intact and head is not None:
            head.hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
            head.count = AuditEvent.objects.count()
            head.save(update_fields=["hash", "count"])
        n_officers = _delete(Officer._base_manager.filter(contact_ref__startswith=DEMO_OFFICER_PREFIX, active=False))
    return Cleared(n_tips, n_events, n_officers, intact)
