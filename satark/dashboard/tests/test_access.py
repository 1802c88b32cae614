"""Who sees what: every role against every dashboard page."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.people.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, object]:
    f.load_reference()
    return {
        "ghazipur_tip": f.tip("ghazipur", description="ghazipur wala jua"),
        "jaunpur_tip": f.tip("jaunpur", "illegal_arms", description="katta bik raha hai"),
        "dig": f.dig_office(),
        "sp_ghazipur": f.sp_office("ghazipur"),
        "sp_jaunpur": f.sp_office("jaunpur"),
        "admin": f.staff("cfg-admin", Role.ADMIN),
    }


def login(user: object) -> Client:
    return f.verified_client(user)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("actor", "sees_ghazipur", "sees_jaunpur"),
    [("dig", True, True), ("sp_ghazipur", True, False), ("sp_jaunpur", False, True), ("admin", False, False)],
)
def test_access_matrix(world: dict, actor: str, sees_ghazipur: bool, sees_jaunpur: bool) -> None:  # type: ignore[type-arg]
    client = login(world[actor])
    listing = client.get("/dashboard/")
    for key, expected in (("ghazipur_tip", sees_ghazipur), ("jaunpur_tip", sees_jaunpur)):
        reference = world[key].reference
        assert (reference in listing.content.decode()) is expected
        detail = client.get(f"/dashboard/tips/{reference}/")
        assert detail.status_code == (200 if expected else 403 if actor == "admin" else 404)


def test_anonymous_users_are_sent_to_login(world: dict) -> None:  # type: ignore[type-arg]
    response = Client().get(f"/dashboard/tips/{world['ghazipur_tip'].reference}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_with_wrong_password_says_so(world: dict) -> None:  # type: ignore[type-arg]
    response = Client().post("/login/", {"username": "dig", "password": "wrong"})
    assert response.status_code == 200 and "Username or password is wrong" in response.content.decode()
    ok = Client().post("/login/", {"username": "dig", "password": f.PASSWORD})
    assert ok.status_code == 302 and ok["Location"].startswith("/login/enrol/")  # the DIG office must use TOTP


def test_every_tip_view_is_audited_in_a_valid_chain(world: dict) -> None:  # type: ignore[type-arg]
    client = login(world["sp_ghazipur"])
    reference = world["ghazipur_tip"].reference
    client.get(f"/dashboard/tips/{reference}/")
    viewed = AuditEvent.objects.filter(action="tip.viewed", object_id=reference)
    assert viewed.count() == 1 and viewed.get().actor_label == "sp-ghazipur"
    assert verify_chain() == (True, None)
    AuditEvent.objects.filter(pk=viewed.get().pk).update(details={"tampered": True})
    assert verify_chain() == (False, viewed.get().pk)


def test_media_of_another_district_is_not_served_and_views_are_audited(world: dict, tmp_path) -> None:  # type: ignore[no-untyped-def,type-arg]
    from django.conf import settings

    from satark.media.models import MediaAsset

    tip = world["ghazipur_tip"]
    asset = MediaAsset.objects.create(
        channel="whatsapp",
        external_id="m1",
        kind="image",
        tip=tip,
        state="ready",
        derivative_path="derivatives/test.jpg",
    )
    path = settings.MEDIA_ROOT / "derivatives" / "test.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff test")
    url = f"/dashboard/tips/{tip.reference}/media/{asset.id}/"
    assert login(world["sp_jaunpur"]).get(url).status_code == 404
    assert login(world["admin"]).get(url).status_code == 403
    response = login(world["sp_ghazipur"]).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="media.viewed", actor_label="sp-ghazipur").count() == 1


def test_the_admin_account_configures_but_cannot_grant_itself_tips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    f.load_reference()
    call_command("create_demo_users", file=str(tmp_path / "logins"), stdout=io.StringIO())
    admin = login(get_user_model().objects.get(username="admin"))
    assert admin.get("/admin/geography/policestation/").status_code == 200
    assert admin.get("/admin/tips/category/").status_code == 200
    for forbidden in ("/admin/auth/user/", "/admin/people/staffprofile/", "/admin/auth/group/"):
        assert admin.get(forbidden).status_code == 403, forbidden
    assert admin.get("/dashboard/").status_code == 403


def test_the_sp_office_assigns_sends_back_and_closes(world: dict) -> None:  # type: ignore[type-arg]
    from satark.messaging.models import OutboxItem
    from satark.people.models import Officer
    from satark.tips.models import Tip

    tip = world["ghazipur_tip"]
    officer = Officer.objects.create(name="R. Yadav", rank="si", district=tip.district, contact_ref="rp_off")
    elsewhere = Officer.objects.create(
        name="S. Khan", rank="si", district=world["jaunpur_tip"].district, contact_ref="rp_off2"
    )
    sp = login(world["sp_ghazipur"])
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert "R. Yadav" in page and "S. Khan" not in page  # only the district's own officers
    bad = sp.post(f"/dashboard/tips/{tip.reference}/assign/", {"officer": elsewhere.pk})
    assert bad.status_code == 400 and Tip.objects.get(pk=tip.pk).status == "new"
    ok = sp.post(f"/dashboard/tips/{tip.reference}/assign/", {"officer": officer.pk})
    assert ok.status_code == 302
    assert Tip.objects.get(pk=tip.pk).officer == officer
    assert OutboxItem.objects.filter(recipient_ref="rp_off", purpose=f"task:{tip.reference}").exists()
    refused = sp.post(f"/dashboard/tips/{tip.reference}/send_back/", {"reason": "more photos"})
    assert refused.status_code == 409  # nothing reported yet: nothing to send back
    Tip.objects.filter(pk=tip.pk).update(status="action_reported")
    assert (
        sp.post(f"/dashboard/tips/{tip.reference}/close/", {"reason": "seized", "outcome": "action_taken"}).status_code
        == 302
    )
    closed = Tip.objects.get(pk=tip.pk)
    assert (closed.status, closed.outcome) == ("closed", "action_taken")
    timeline = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert "Assigned</strong> — sp-ghazipur · Sub-Inspector R. Yadav" in timeline
    assert "Closed</strong> — sp-ghazipur · Action taken<blockquote>seized" in timeline
    assert OutboxItem.objects.filter(recipient_ref=tip.reporter_ref, purpose="notice").count() == 1
    # Another district's SP office cannot act on it, not even by guessing the URL.
    assert (
        login(world["sp_jaunpur"]).post(f"/dashboard/tips/{tip.reference}/reopen/", {"reason": "x"}).status_code == 404
    )
    assert login(world["admin"]).post(f"/dashboard/tips/{tip.reference}/reopen/", {"reason": "x"}).status_code == 403


def test_a_tip_about_police_involvement_cannot_go_to_the_implicated_station(world: dict) -> None:  # type: ignore[type-arg]
    from satark.geography.models import PoliceStation
    from satark.people.models import Officer

    tip = world["ghazipur_tip"]
    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    tip.station, tip.police_involved = karanda, True
    tip.save()
    Officer.objects.create(name="Karanda SO", rank="insp", district=tip.district, station=karanda, contact_ref="r1")
    Officer.objects.create(name="Circle officer", rank="co", district=tip.district, contact_ref="r2")
    page = login(world["sp_ghazipur"]).get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert "Circle officer" in page and "Karanda SO" not in page


def test_an_office_blocks_a_tips_sender_without_seeing_who_it_is(world: dict) -> None:  # type: ignore[type-arg]
    from satark.abuse.actions import is_blocked

    tip = world["ghazipur_tip"]
    sp = login(world["sp_ghazipur"])
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert tip.reporter_ref not in page
    response = sp.post(f"/dashboard/tips/{tip.reference}/block_reporter/", {"reason": "40 abusive messages"})
    assert response.status_code == 302 and is_blocked(tip.reporter_ref)
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert "being ignored" in page and tip.reporter_ref not in page
    event = AuditEvent.objects.get(action="abuse.block")
    assert event.object_id == tip.reference and tip.reporter_ref not in json.dumps(event.details)
    assert (
        login(world["sp_jaunpur"]).post(f"/dashboard/tips/{tip.reference}/block_reporter/", {"reason": "x"}).status_code
        == 404
    )
    sp.post(f"/dashboard/tips/{tip.reference}/unblock_reporter/", {"reason": "was a misunderstanding"})
    assert not is_blocked(tip.reporter_ref)


def test_a_tip_transferred_to_another_district_changes_hands(world: dict) -> None:  # type: ignore[type-arg]
    from satark.geography.models import District
    from satark.tips.models import Tip

    tip = world["ghazipur_tip"]
    jaunpur = District.objects.get(code="jaunpur")
    sp = login(world["sp_ghazipur"])
    assert sp.post(f"/dashboard/tips/{tip.reference}/transfer/", {"district": jaunpur.pk}).status_code == 400
    response = sp.post(
        f"/dashboard/tips/{tip.reference}/transfer/",
        {"district": jaunpur.pk, "reason": "the village is across the Gomti, in Jaunpur"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    moved = Tip.objects.get(pk=tip.pk)
    assert moved.district == jaunpur and moved.station is None
    assert sp.get(f"/dashboard/tips/{tip.reference}/").status_code == 404
    assert login(world["sp_jaunpur"]).get(f"/dashboard/tips/{tip.reference}/").status_code == 200
    event = AuditEvent.objects.get(action="tip.transfer")
    assert event.details["district"] == {"from": "ghazipur", "to": "jaunpur"}


def test_the_tip_page_is_well_formed(world: dict) -> None:  # type: ignore[type-arg]
    from html.parser import HTMLParser

    class Titles(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside = False
            self.title = ""
            self.forms = 0

        def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
            self.inside = tag == "title"
            self.forms += tag == "form"

        def handle_endtag(self, tag: str) -> None:
            self.inside = False if tag == "title" else self.inside

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.title += data

    tip = world["ghazipur_tip"]
    page = Titles()
    page.feed(login(world["sp_ghazipur"]).get(f"/dashboard/tips/{tip.reference}/").content.decode())
    assert page.title.strip() == f"{tip.reference} · सतर्क मित्र"
    assert page.forms >= 3  # logout, the case actions, the abuse action — each once
