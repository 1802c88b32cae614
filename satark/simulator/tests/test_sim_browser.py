"""Drive the simulator page in headless Chromium (Debian's ``chromium``), like a person."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import ACCESS_TOKEN, CITIZEN, PHONE_NUMBER_ID, Receiver, Sim

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(sim: Sim) -> Iterator[Any]:
    assert CHROMIUM is not None, "Debian's chromium is missing: `make test` installs it (make browser-deps)"
    from playwright.sync_api import sync_playwright

    from satark.core.testing import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.goto(sim.base_url + "/")
        yield tab
        context.close()
        browser.close()


def png_bytes() -> bytes:
    from PIL import Image as image_module

    buffer = io.BytesIO()
    image_module.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def bot_sends(sim: Sim, body: dict[str, Any]) -> str:
    response = sim.send_message({"to": CITIZEN, **body})
    assert response.status_code == 200, response.text
    return response.json()["messages"][0]["id"]  # type: ignore[no-any-return]


def last_message(receiver: Receiver, count: int) -> dict[str, Any]:
    def enough(items: list[Any]) -> bool:
        return sum(1 for r in items if "messages" in r.value()) >= count

    receiver.wait_for(enough, timeout=10)
    return receiver.messages()[count - 1].value()["messages"][0]  # type: ignore[no-any-return]


def test_citizen_plays_a_conversation_in_the_browser(page: Any, sim: Sim, receiver: Receiver) -> None:
    from playwright.sync_api import expect

    phone = page.locator(f'[data-phone="{CITIZEN}"]')
    expect(phone).to_be_visible()

    # 1. Free text in Devanagari.
    phone.locator(".composer input[name=text]").fill("नमस्ते")
    phone.locator(".composer button.send").click()
    assert last_message(receiver, 1)["text"]["body"] == "नमस्ते"
    expect(phone.locator(".msg.in").first).to_contain_text("नमस्ते")

    # 2. Reply buttons.
    buttons_wamid = bot_sends(
        sim,
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "भाषा चुनें / Choose language"},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": "lang_hi", "title": "हिंदी"}},
                        {"type": "reply", "reply": {"id": "lang_en", "title": "English"}},
                    ]
                },
            },
        },
    )
    phone.locator("button.reply-button", has_text="हिंदी").click()
    reply = last_message(receiver, 2)
    assert reply["interactive"]["button_reply"] == {"id": "lang_hi", "title": "हिंदी"}
    assert reply["context"]["id"] == buttons_wamid

    # 3. List message.
    list_wamid = bot_sends(
        sim,
        {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": "श्रेणी चुनें"},
                "action": {
                    "button": "श्रेणियाँ",
                    "sections": [
                        {
                            "title": "अपराध",
                            "rows": [
                                {"id": "cat_liquor", "title": "शराब", "description": "अवैध शराब"},
                                {"id": "cat_drugs", "title": "नशा"},
                            ],
                        }
                    ],
                },
            },
        },
    )
    phone.locator("button.list-open").click()
    phone.locator("button.list-row", has_text="शराब").click()
    reply = last_message(receiver, 3)
    assert reply["interactive"]["list_reply"]["id"] == "cat_liquor"
    assert reply["context"]["id"] == list_wamid

    # 4. Location request answered with the prefilled Ghazipur point.
    request_wamid = bot_sends(
        sim,
        {
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": "स्थान भेजें"},
                "action": {"name": "send_location"},
            },
        },
    )
    phone.locator("button.send-location").click()
    phone.locator(".location-panel button.location-send").click()
    reply = last_message(receiver, 4)
    assert reply["location"]["latitude"] == pytest.approx(25.58)
    assert reply["location"]["longitude"] == pytest.approx(83.58)
    assert reply["context"]["id"] == request_wamid

    # 5. A photo from the 📷 input.
    data = png_bytes()
    phone.locator("input[type=file].photo").set_input_files(
        {"name": "evidence.png", "mimeType": "image/png", "buffer": data}
    )
    reply = last_message(receiver, 5)
    assert reply["type"] == "image" and reply["image"]["mime_type"] == "image/png"
    assert sim.client.get(f"/_sim/media/{reply['image']['id']}").content == data

    # 6. A bot image (uploaded media) is displayed through the token-free proxy.
    upload = sim.client.post(
        f"/v25.0/{PHONE_NUMBER_ID}/media",
        headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        data={"messaging_product": "whatsapp", "type": "image/png"},
        files={"file": ("a.png", data, "image/png")},
    )
    bot_sends(sim, {"type": "image", "image": {"id": upload.json()["id"], "caption": "फोटो"}})
    image = phone.locator(".msg.out img.media")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 8", arg=image.element_handle())

    # 7. Template quick reply (the officer flow).
    bot_sends(
        sim,
        {
            "type": "template",
            "template": {
                "name": "officer_task_assigned",
                "language": {"code": "hi"},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": "TIP-2026-0042"}]},
                    {
                        "type": "button",
                        "sub_type": "quick_reply",
                        "index": "0",
                        "parameters": [{"type": "payload", "payload": "ack:42"}],
                    },
                ],
            },
        },
    )
    expect(phone.locator(".msg.out.template")).to_contain_text("TIP-2026-0042")
    phone.locator("button.template-button").click()
    assert last_message(receiver, 6)["button"]["payload"] == "ack:42"

    # 8. The page showed the bot's messages: read ticks and read status webhooks.
    receiver.wait_status(buttons_wamid, "read", timeout=10)
    expect(phone.locator(f'.msg.out[data-wamid="{buttons_wamid}"] .ticks')).to_have_attribute("data-status", "read")


def test_add_an_officer_phone(page: Any, sim: Sim, receiver: Receiver) -> None:
    from playwright.sync_api import expect

    form = page.locator("form.add-phone")
    form.locator("input[name=phone]").fill("+91 98765 43210")
    form.locator("input[name=label]").fill("Officer")
    form.locator("button[type=submit]").click()
    officer = page.locator('[data-phone="919876543210"]')
    expect(officer).to_contain_text("Officer")
    officer.locator(".composer input[name=text]").fill("हाँ")
    officer.locator(".composer input[name=text]").press("Enter")
    message = receiver.wait_message(timeout=10).value()["messages"][0]
    assert message["from"] == "919876543210" and message["text"]["body"] == "हाँ"
