"""Declared templates are submitted to the account and used when the 24-hour window is closed."""

from __future__ import annotations

import io

import httpx
import pytest
from django.core.management import call_command

from satark.messaging import outbound
from satark.messaging.models import OutboxItem, TemplateState
from satark.messaging.templates import TEMPLATES, get
from satark.vault.api import reference_for

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def test_sync_templates_submits_every_language_once_and_records_approval(sim: httpx.Client) -> None:
    out = io.StringIO()
    call_command("sync_templates", stdout=out)
    expected = {(spec.name, lang) for spec in TEMPLATES for lang in spec.bodies}
    assert {(s.name, s.language) for s in TemplateState.objects.all()} == expected
    # Meta answers a creation with PENDING; this account's review is instant, and the command records
    # the state the account reports after submitting.
    assert set(TemplateState.objects.values_list("status", flat=True)) == {"APPROVED"}
    call_command("sync_templates", "--check", stdout=out)
    assert set(TemplateState.objects.values_list("status", flat=True)) == {"APPROVED"}
    listed = sim.get("/v25.0/102290129340398/message_templates", headers={"Authorization": "Bearer integration-token"})
    assert len(listed.json()["data"]) == len(expected)
    call_command("sync_templates", stdout=out)  # idempotent: nothing created twice
    listed = sim.get("/v25.0/102290129340398/message_templates", headers={"Authorization": "Bearer integration-token"})
    assert len(listed.json()["data"]) == len(expected)


def test_a_closed_window_sends_the_approved_template_in_the_reporters_language(sim: httpx.Client) -> None:
    call_command("sync_templates", stdout=io.StringIO())
    ref = reference_for("whatsapp", PHONE)  # no message from this person in the last 24 hours
    fallback = get("satark_action_taken").payload("hi", ["VNS-7K3M9"])
    outbound.queue_message(ref, {"type": "text", "body": "free-form", "fallback_template": fallback})
    assert outbound.send_pending(ref) == 1
    item = OutboxItem.objects.get()
    assert (item.state, item.payload["type"]) == ("sent", "template")
    sent = [m for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json()["messages"] if m["direction"] == "out"]
    template = sent[0]["payload"]["template"]
    assert (template["name"], template["language"]["code"]) == ("satark_action_taken", "hi")
    assert template["components"][0]["parameters"][0]["text"] == "VNS-7K3M9"


def test_a_template_with_the_wrong_parameters_fails_without_retry(sim: httpx.Client) -> None:
    call_command("sync_templates", stdout=io.StringIO())
    ref = reference_for("whatsapp", PHONE)
    outbound.queue_message(
        ref,
        {"type": "template", "name": "satark_action_taken", "language": "en", "body_params": ["VNS-7K3M9", "extra"]},
    )
    assert outbound.send_pending(ref) == 0
    item = OutboxItem.objects.get()
    assert (item.state, item.error_code, item.attempts) == ("failed", 132000, 1)
    with pytest.raises(ValueError, match="takes 1 parameters"):
        get("satark_action_taken").payload("en", ["a", "b"])
