"""Message templates (create, review, list, strict sends), QR codes and the 24-hour window."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import CITIZEN, PHONE_NUMBER_ID, Receiver, Sim, open_window, start_sim

WABA = "102290129340398"
TIP_UPDATE: dict[str, Any] = {
    "name": "tip_update",
    "language": "hi",
    "category": "UTILITY",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "सूचना {{1}}"},
        {"type": "BODY", "text": "आपकी सूचना {{1}} की स्थिति: {{2}}"},
        {"type": "FOOTER", "text": "Satark Mitra"},
    ],
}


def error_code(response: httpx.Response, status: int = 400) -> int:
    assert response.status_code == status, response.text
    return int(response.json()["error"]["code"])


def template_send(name: str, code: str, *params: Any, to: str = CITIZEN) -> dict[str, Any]:
    body_params = [p if isinstance(p, dict) else {"type": "text", "text": p} for p in params]
    components = [{"type": "body", "parameters": body_params}] if body_params else []
    return {
        "to": to,
        "type": "template",
        "template": {"name": name, "language": {"code": code}, "components": components},
    }


def create(sim: Sim, body: dict[str, Any]) -> httpx.Response:
    return sim.graph("POST", f"{WABA}/message_templates", json=body)


@pytest.fixture
def lax(receiver: Receiver) -> Any:
    instance = start_sim(receiver.url, strict_templates=False, templates=())
    yield instance
    instance.client.close()
    instance.server.shutdown_simulator()


def test_create_list_and_send_a_positional_template(sim: Sim, receiver: Receiver) -> None:
    created = create(sim, TIP_UPDATE)
    assert created.status_code == 200, created.text
    data = created.json()
    assert data["status"] == "PENDING" and data["category"] == "UTILITY" and data["id"].isdigit()

    listed = sim.graph("GET", f"{WABA}/message_templates", params={"name": "tip_update"}).json()
    assert [(t["name"], t["language"], t["status"], t["category"], t["id"]) for t in listed["data"]] == [
        ("tip_update", "hi", "APPROVED", "UTILITY", data["id"])
    ]
    assert listed["data"][0]["parameter_format"] == "POSITIONAL"
    assert set(listed["paging"]["cursors"]) == {"before", "after"}
    assert sim.graph("GET", data["id"]).json()["name"] == "tip_update"

    duplicate = create(sim, TIP_UPDATE)
    assert error_code(duplicate) == 100 and duplicate.json()["error"]["error_subcode"] == 2388024

    open_window(sim, receiver)
    ok = sim.send_message(template_send("tip_update", "hi", "VNS-1", "जाँच जारी"))
    assert ok.status_code == 200, ok.text
    assert error_code(sim.send_message(template_send("tip_update", "hi", "VNS-1"))) == 132000
    assert error_code(sim.send_message(template_send("tip_update", "en", "a", "b"))) == 132001
    assert error_code(sim.send_message(template_send("no_such", "hi"))) == 132001
    refused = sim.send_message(template_send("tip_update", "hi", "1", "2", "3")).json()["error"]
    assert refused["code"] == 132000 and "(3)" in refused["error_data"]["details"]


def test_review_states_via_control_api(sim: Sim, receiver: Receiver) -> None:
    template_id = create(sim, TIP_UPDATE).json()["id"]
    send = template_send("tip_update", "hi", "a", "b")

    def set_status(status: str, key: str = template_id) -> httpx.Response:
        return sim.client.post(f"/_sim/api/templates/{key}/status", json={"status": status, "reason": "TEST"})

    assert set_status("REJECTED").json()["rejected_reason"] == "TEST"
    assert error_code(sim.send_message(send)) == 132001
    listed = sim.graph("GET", f"{WABA}/message_templates", params={"status": "REJECTED"}).json()["data"]
    assert [t["id"] for t in listed] == [template_id]
    assert set_status("PAUSED", "tip_update").status_code == 200
    assert error_code(sim.send_message(send)) == 132015
    set_status("DISABLED")
    assert error_code(sim.send_message(send)) == 132016
    set_status("APPROVED")
    assert sim.send_message(send).status_code == 200
    assert set_status("GONE").status_code == 400
    assert set_status("APPROVED", "unknown_name").status_code == 404


def test_approval_delay_runs_on_the_simulator_clock(receiver: Receiver) -> None:
    sim = start_sim(receiver.url, template_approval_delay=3600.0)
    try:
        create(sim, TIP_UPDATE)
        send = template_send("tip_update", "hi", "a", "b")
        assert sim.graph("GET", f"{WABA}/message_templates").json()["data"][-1]["status"] == "PENDING"
        assert error_code(sim.send_message(send)) == 132001
        sim.client.post("/_sim/api/clock", json={"advance_seconds": 3600})
        assert sim.send_message(send).status_code == 200
    finally:
        sim.client.close()
        sim.server.shutdown_simulator()


def test_named_parameters_and_marketing_pricing(sim: Sim, receiver: Receiver) -> None:
    body = {
        "name": "station_visit",
        "language": "en_US",
        "category": "marketing",
        "parameter_format": "named",
        "components": [{"type": "BODY", "text": "Hello {{name}}, visit {{station}} ({{name}})"}],
    }
    assert create(sim, body).json()["category"] == "MARKETING"
    named = [
        {"type": "text", "parameter_name": "station", "text": "Kotwali"},
        {"type": "text", "parameter_name": "name", "text": "Asha"},
    ]
    wamid = sim.send_message(template_send("station_visit", "en_US", *named)).json()["messages"][0]["id"]
    status = receiver.wait_status(wamid, "delivered")
    assert status["pricing"]["category"] == "marketing" and status["pricing"]["billable"] is True
    positional = [{"type": "text", "text": "Asha"}, {"type": "text", "text": "Kotwali"}]
    assert error_code(sim.send_message(template_send("station_visit", "en_US", *positional))) == 132012
    assert error_code(sim.send_message(template_send("station_visit", "en_US", named[0]))) == 132000


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Bad Name"},
        {"language": "hindi"},
        {"category": "PROMO"},
        {"parameter_format": "ODD"},
        {"components": []},
        {"components": [{"type": "FOOTER", "text": "no body"}]},
        {"components": [{"type": "BODY", "text": "gap {{2}}"}]},
        {"components": [{"type": "BODY", "text": "named {{who}} in positional"}]},
        {"components": [{"type": "BODY", "text": "x" * 1025}]},
        {"components": [{"type": "BODY", "text": "a"}, {"type": "BODY", "text": "b"}]},
        {"components": [{"type": "STICKER"}]},
    ],
)
def test_invalid_templates_are_refused(sim: Sim, change: dict[str, Any]) -> None:
    assert error_code(create(sim, {**TIP_UPDATE, **change})) == 100


def test_paging_delete_and_control_api(sim: Sim) -> None:
    for index in range(3):
        create(sim, {**TIP_UPDATE, "name": f"bulk_{index}"})
    first = sim.graph("GET", f"{WABA}/message_templates", params={"name": "bulk", "limit": 2}).json()
    assert [t["name"] for t in first["data"]] == ["bulk_0", "bulk_1"]
    assert first["paging"]["next"].startswith(sim.base_url + f"/v25.0/{WABA}/message_templates?")
    after = first["paging"]["cursors"]["after"]
    rest = sim.graph("GET", f"{WABA}/message_templates", params={"name": "bulk", "after": after}).json()
    assert [t["name"] for t in rest["data"]] == ["bulk_2"] and "next" not in rest["paging"]

    assert sim.graph("DELETE", f"{WABA}/message_templates", params={"name": "bulk_1"}).json() == {"success": True}
    assert error_code(sim.graph("DELETE", f"{WABA}/message_templates", params={"name": "bulk_1"})) == 100
    assert error_code(sim.graph("GET", "999/message_templates")) == 100  # not our WABA

    direct = sim.client.post("/_sim/api/templates", json={**TIP_UPDATE, "name": "direct"})
    assert direct.status_code == 201 and direct.json()["status"] == "APPROVED"
    assert direct.json()["body_parameters"] == ["1", "2"]
    assert sim.client.post("/_sim/api/templates", json={"name": "x"}).status_code == 400
    names = {t["name"] for t in sim.client.get("/_sim/api/templates").json()["templates"]}
    assert {"direct", "bulk_0", "bulk_2", "task", "officer_task_assigned"} <= names

    sim.client.post("/_sim/api/reset")  # templates are account configuration: kept
    assert "direct" in {t["name"] for t in sim.client.get("/_sim/api/templates").json()["templates"]}
    sim.client.post("/_sim/api/reset", json={"full": True})  # back to the configured seeds
    names = {t["name"] for t in sim.client.get("/_sim/api/templates").json()["templates"]}
    assert names == {"task", "officer_task_assigned"}
    assert sim.client.delete("/_sim/api/templates").json() == {"templates": []}


def test_lax_mode_accepts_any_well_formed_template(lax: Sim, receiver: Receiver) -> None:
    response = lax.send_message(template_send("anything_goes", "hi", "1", "2", "3"))
    assert response.status_code == 200, response.text
    status = receiver.wait_status(response.json()["messages"][0]["id"], "delivered")
    assert status["pricing"]["category"] == "utility"


def test_window_templates_go_out_free_form_does_not(sim: Sim, receiver: Receiver) -> None:
    officer = "919111111112"
    template = sim.send_message(template_send("officer_task_assigned", "hi", "T-1", to=officer))
    delivered = receiver.wait_status(template.json()["messages"][0]["id"], "delivered")
    assert delivered["pricing"]["billable"] is True and delivered["pricing"]["type"] == "regular"
    interactive = {
        "to": officer,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Accept?"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]},
        },
    }
    for body in (interactive, {"to": officer, "type": "text", "text": {"body": "free"}}):
        response = sim.send_message(body)
        assert response.status_code == 200  # accepted, then refused asynchronously
        failed = receiver.wait_status(response.json()["messages"][0]["id"], "failed")
        assert failed["errors"][0]["code"] == 131047

    sim.phone_sends(officer, {"type": "text", "text": "ok"})
    sim.client.post("/_sim/api/clock", json={"advance_seconds": 24 * 3600 + 1})
    late_text = sim.send_message({"to": officer, "type": "text", "text": {"body": "late"}}).json()
    assert receiver.wait_status(late_text["messages"][0]["id"], "failed")["errors"][0]["code"] == 131047
    late_template = sim.send_message(template_send("task", "en", to=officer)).json()
    assert receiver.wait_status(late_template["messages"][0]["id"], "delivered")["pricing"]["billable"] is True


# -- QR codes -------------------------------------------------------------------------------
def qrdls(sim: Sim, method: str, suffix: str = "", **kwargs: Any) -> httpx.Response:
    return sim.graph(method, f"{PHONE_NUMBER_ID}/message_qrdls{suffix}", **kwargs)


def test_qr_codes_lifecycle(sim: Sim) -> None:
    created = qrdls(sim, "POST", json={"prefilled_message": "TIP STN-KOTWALI", "generate_qr_image": "SVG"}).json()
    code = created["code"]
    assert len(code) == 14 and code.isalnum() and code.isupper()
    assert created["prefilled_message"] == "TIP STN-KOTWALI"
    assert created["deep_link_url"] == f"https://wa.me/message/{code}"
    assert created["qr_image_url"] == f"{sim.base_url}/_qr/{code}.svg"
    image = httpx.get(created["qr_image_url"], trust_env=False)
    assert image.headers["content-type"] == "image/svg+xml" and b"placeholder" in image.content

    png = qrdls(sim, "POST", params={"prefilled_message": "सूचना दें", "generate_qr_image": "PNG"}).json()
    assert png["prefilled_message"] == "सूचना दें"
    assert httpx.get(png["qr_image_url"], trust_env=False).content.startswith(b"\x89PNG\r\n\x1a\n")

    listed = qrdls(sim, "GET").json()["data"]
    assert [q["code"] for q in listed] == [code, png["code"]] and "qr_image_url" not in listed[0]
    with_svg = qrdls(sim, "GET", params={"fields": "code,prefilled_message,qr_image_url.format(SVG)"})
    assert with_svg.json()["data"][1]["qr_image_url"].endswith(f"/_qr/{png['code']}.svg")
    assert qrdls(sim, "GET", f"/{code}").json()["data"][0]["prefilled_message"] == "TIP STN-KOTWALI"

    updated = qrdls(sim, "POST", json={"code": code, "prefilled_message": "TIP STN-LANKA"}).json()
    assert updated == {**updated, "code": code, "prefilled_message": "TIP STN-LANKA"}
    assert qrdls(sim, "GET", f"/{code}").json()["data"][0]["prefilled_message"] == "TIP STN-LANKA"

    assert qrdls(sim, "DELETE", f"/{code}").json() == {"success": True}
    assert error_code(qrdls(sim, "GET", f"/{code}")) == 100
    assert error_code(qrdls(sim, "DELETE", f"/{code}")) == 100
    assert httpx.get(created["qr_image_url"], trust_env=False).status_code == 404


def test_qr_code_validation(sim: Sim) -> None:
    assert qrdls(sim, "POST", json={"prefilled_message": "क" * 140}).status_code == 200
    assert error_code(qrdls(sim, "POST", json={"prefilled_message": "क" * 141})) == 100
    assert error_code(qrdls(sim, "POST", json={"generate_qr_image": "SVG"})) == 131008
    assert error_code(qrdls(sim, "POST", json={"prefilled_message": "x", "generate_qr_image": "GIF"})) == 100
    assert error_code(qrdls(sim, "POST", json={"code": "NOPE", "prefilled_message": "x"})) == 100
    assert qrdls(sim, "POST", json={"prefilled_message": "x"}, headers={}).status_code == 401
    assert error_code(sim.graph("POST", "123/message_qrdls", json={"prefilled_message": "x"})) == 100
