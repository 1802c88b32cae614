"""The outbound send path and the media fetch, against our fake of the Graph API (no mocks)."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

import httpx
import pytest
from django.test import override_settings
from PIL import Image

from satark.media.models import MediaAsset
from satark.media.pipeline import process
from satark.messaging.channels import reset_channel
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import queue_message, send_pending
from satark.vault.api import id_digest, reference_for
from tests.e2e.phone import photo_with_gps

from .conftest import PHONE, open_window

pytestmark = pytest.mark.django_db


def bot_messages(sim: httpx.Client, phone: str = PHONE) -> list[dict[str, Any]]:
    return [m for m in sim.get(f"/_sim/api/phones/{phone}/messages").json()["messages"] if m["direction"] == "out"]


def test_queued_messages_are_sent_in_order_and_recorded(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    queue_message(ref, {"type": "text", "body": "नमस्ते"})
    queue_message(ref, {"type": "buttons", "body": "भाषा चुनें", "options": [{"id": "lang:hi", "title": "हिंदी"}]})
    queue_message(
        ref,
        {
            "type": "list",
            "body": "श्रेणी",
            "button": "चुनें",
            "options": [{"id": f"c{i}", "title": f"{i}. विकल्प"} for i in range(10)],
        },
    )
    assert send_pending(ref) == 3
    items = list(OutboxItem.objects.order_by("id"))
    assert [i.state for i in items] == ["sent", "sent", "sent"]
    assert all(i.external_id and i.external_id.startswith("h:") for i in items)
    sent = bot_messages(sim)
    assert [id_digest("whatsapp", m["wamid"]) for m in sent] == [i.external_id for i in items]
    assert sent[0]["payload"]["text"]["body"] == "नमस्ते"
    assert sent[2]["payload"]["interactive"]["action"]["sections"][0]["rows"][9]["id"] == "c9"
    assert send_pending(ref) == 0  # idempotent: nothing queued, nothing sent twice


def test_a_refused_token_fails_the_message_without_retry(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    queue_message(ref, {"type": "text", "body": "hello"})
    with override_settings(SATARK_WHATSAPP_TOKEN="expired"):
        reset_channel()
        assert send_pending(ref) == 0
    item = OutboxItem.objects.get()
    assert (item.state, item.error_code, item.attempts) == ("failed", 190, 1)


def test_a_message_over_whatsapp_limits_is_caught_before_sending(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    options = [{"id": str(i), "title": f"option {i}"} for i in range(4)]
    queue_message(ref, {"type": "buttons", "body": "too many", "options": options})
    queue_message(ref, {"type": "text", "body": "still delivered"})
    assert send_pending(ref) == 1
    failed, ok = OutboxItem.objects.order_by("id")
    assert (failed.state, failed.error_code, ok.state) == ("failed", 100, "sent")
    assert [m["payload"]["type"] for m in bot_messages(sim)] == ["text"]


def inbound_media(sim: httpx.Client, content: bytes, mime: str = "image/jpeg") -> dict[str, Any]:
    response = sim.post(
        f"/_sim/api/phones/{PHONE}/send",
        json={"type": "image", "data_base64": base64.b64encode(content).decode(), "mime_type": mime},
    )
    assert response.status_code == 200, response.text
    inbound = [m for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json()["messages"] if m["direction"] == "in"]
    return inbound[-1]["payload"]["image"]  # type: ignore[no-any-return]


def register(image: dict[str, Any], sha: str | None = None) -> MediaAsset:
    return MediaAsset.objects.create(
        channel="whatsapp",
        external_id=image["id"],
        kind="image",
        declared_mime=image["mime_type"],
        declared_sha256=sha or image["sha256"],
    )


def test_photo_is_fetched_verified_sealed_and_stripped_of_metadata(sim: httpx.Client, settings: Any) -> None:
    content = photo_with_gps()
    asset = process(str(register(inbound_media(sim, content)).id))
    assert asset.state == "ready", asset.error
    assert asset.sha256 == hashlib.sha256(content).hexdigest()
    original = (settings.MEDIA_ROOT / asset.original_path).read_bytes()
    derivative = (settings.MEDIA_ROOT / asset.derivative_path).read_bytes()
    assert original == content and b"SentinelCam" in original
    assert b"SentinelCam" not in derivative and b"SERIAL-98765" not in derivative
    with Image.open(io.BytesIO(derivative)) as img:
        assert dict(img.getexif()) == {} and img.size == (64, 48)
    assert process(str(asset.id)).state == "ready"  # the same media processed twice changes nothing


def test_a_hash_mismatch_or_a_corrupt_file_is_rejected_with_a_reason(sim: httpx.Client) -> None:
    image = inbound_media(sim, photo_with_gps())
    wrong = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    rejected = process(str(register(image, sha=wrong).id))
    assert (rejected.state, rejected.error) == ("rejected", "SHA-256 does not match the value the channel declared")
    corrupt = process(str(register(inbound_media(sim, b"\xff\xd8\xff" + b"\x00" * 200)).id))
    assert corrupt.state == "rejected" and "not a readable image" in corrupt.error
    fake = process(str(register(inbound_media(sim, b"%PDF-1.4 not a photo")).id))
    assert fake.state == "rejected" and "application/pdf" in fake.error


def test_a_fetch_finishing_after_submit_or_cancel_keeps_the_tip_link_or_nothing(settings: Any) -> None:
    from satark.media import pipeline
    from tests import factories as f

    f.load_reference()
    tip = f.tip()
    asset = MediaAsset.objects.create(channel="whatsapp", external_id="race1", kind="image")
    MediaAsset.objects.filter(pk=asset.pk).update(tip=tip)  # Submit happened while downloading
    asset.state = MediaAsset.State.READY
    pipeline._store(asset)
    asset.refresh_from_db()
    assert (asset.state, asset.tip_id) == ("ready", tip.pk)

    gone = MediaAsset.objects.create(channel="whatsapp", external_id="race2", kind="image")
    gone.original_path = pipeline._write(f"sealed/{gone.id}", b"evidence")
    MediaAsset.objects.filter(pk=gone.pk).delete()  # Cancel happened while downloading
    pipeline._store(gone)
    assert not MediaAsset.objects.filter(pk=gone.pk).exists()
    assert not (settings.MEDIA_ROOT / gone.original_path).exists()


def test_the_sender_is_told_in_their_language_when_a_file_is_refused(sim: httpx.Client) -> None:
    from satark.conversations.definitions import get_definition
    from satark.conversations.models import Conversation
    from tests import factories as f

    f.load_reference()
    ref = open_window(reference_for("whatsapp", PHONE))
    conversation = Conversation.objects.create(
        reporter_ref=ref,
        questionnaire="tip",
        state={"questionnaire": "tip", "version": 1, "step": "media", "language": "hi"},
    )
    big = MediaAsset.objects.create(
        channel="whatsapp",
        external_id=inbound_media(sim, photo_with_gps())["id"],
        kind="image",
        conversation_id=conversation.pk,
    )
    with override_settings(SATARK_MEDIA_MAX_BYTES={"image": 200}):
        big = process(str(big.id))
    assert (big.state, big.reject_reason) == ("rejected", "too_large")
    corrupt = MediaAsset.objects.create(
        channel="whatsapp",
        external_id=inbound_media(sim, b"\xff\xd8\xff" + b"\0" * 99)["id"],
        kind="image",
        conversation_id=conversation.pk,
    )
    assert process(str(corrupt.id)).reject_reason == "unreadable"
    definition = get_definition()
    told = [o.payload["body"] for o in OutboxItem.objects.filter(recipient_ref=ref).order_by("id")]
    assert told == [definition.text("hi", "media_too_large"), definition.text("hi", "media_unreadable")]


def test_outbound_media_is_uploaded_and_sent_by_id(sim: httpx.Client, tmp_path: Any) -> None:
    photo = tmp_path / "derivative.jpg"
    photo.write_bytes(photo_with_gps())
    ref = open_window(reference_for("whatsapp", PHONE))
    queue_message(
        ref, {"type": "image", "caption": "कार्रवाई की फोटो", "upload": {"path": str(photo), "mime_type": "image/jpeg"}}
    )
    assert send_pending(ref) == 1
    sent = bot_messages(sim)[-1]["payload"]
    assert sent["type"] == "image" and sent["image"]["caption"] == "कार्रवाई की फोटो"
    media_id = sent["image"]["id"]
    info = sim.get(f"/v25.0/{media_id}", headers={"Authorization": "Bearer integration-token"})
    assert info.status_code == 200 and info.json()["file_size"] in (
        len(photo.read_bytes()),
        str(len(photo.read_bytes())),
    )


def test_an_inbound_message_is_marked_read_with_a_typing_indicator(sim: httpx.Client) -> None:
    from satark.messaging import tasks
    from satark.messaging.inbound import ingest
    from satark.messaging.models import InboxItem
    from satark.messaging.types import InboundMessage

    wamid = sim.post(f"/_sim/api/phones/{PHONE}/send", json={"type": "text", "text": "Hi"}).json()["wamid"]
    ingest(
        [InboundMessage(channel="whatsapp", external_id=wamid, timestamp=1, kind="text", text="Hi", sender_phone=PHONE)]
    )
    row = InboxItem.objects.get()
    assert row.sealed_id and wamid not in row.sealed_id
    tasks.mark_read(row.pk)
    chat = sim.get(f"/_sim/api/phones/{PHONE}/messages").json()
    assert chat["typing"] is True
    assert [m["status"] for m in chat["messages"] if m["direction"] == "in"] == ["read"]
    row.refresh_from_db()
    assert row.sealed_id == ""  # the real id is erased once used
