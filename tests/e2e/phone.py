"""A citizen or officer phone, driven through the simulator's control API over real HTTP."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
from PIL import Image


def options_of(payload: dict[str, Any]) -> list[dict[str, str]]:
    interactive = payload.get("interactive") or {}
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        return [b["reply"] for b in action.get("buttons", [])]
    if interactive.get("type") == "list":
        return [row for section in action.get("sections", []) for row in section.get("rows", [])]
    return []


def body_of(payload: dict[str, Any]) -> str:
    if payload.get("type") == "text":
        return str(payload["text"]["body"])
    interactive = payload.get("interactive") or {}
    return str((interactive.get("body") or {}).get("text", ""))


def photo_with_gps(color: str = "orange") -> bytes:
    """A JPEG carrying EXIF camera make, serial and a GPS position: what the derivative must lose."""
    img = Image.new("RGB", (64, 48), color)
    exif = Image.Exif()
    exif[0x010F] = "SentinelCam"  # Make
    exif[0xA431] = "SERIAL-98765"  # BodySerialNumber
    gps = {1: "N", 2: (25.0, 34.0, 48.0), 3: "E", 4: (83.0, 34.0, 50.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


class Phone:
    def __init__(self, sim: httpx.Client, number: str, profile_name: str = "Sim User"):
        self.sim = sim
        self.number = number
        sim.post("/_sim/api/phones", json={"phone": number, "label": "citizen", "profile_name": profile_name})

    def messages(self) -> list[dict[str, Any]]:
        response = self.sim.get(f"/_sim/api/phones/{self.number}/messages")
        response.raise_for_status()
        return list(response.json()["messages"])

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m["direction"] == "out"]

    def wait(self, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        response = self.sim.get("/_sim/api/wait", params={"phone": self.number, "count": count, "timeout": timeout})
        response.raise_for_status()
        bot = self.bot_messages()
        assert len(bot) >= count, (
            f"waited for {count} bot messages, got {len(bot)}: {[body_of(m['payload']) for m in bot]}"
        )
        return bot

    def send(self, **message: Any) -> str:
        response = self.sim.post(f"/_sim/api/phones/{self.number}/send", json=message)
        assert response.status_code == 200, response.text
        return str(response.json()["wamid"])

    def say(self, text: str) -> list[dict[str, Any]]:
        before = len(self.bot_messages())
        self.send(type="text", text=text)
        return self.wait(before + 1)

    def tap(self, match: str) -> list[dict[str, Any]]:
        """Tap the button or list row of the bot's latest interactive message whose id or title contains `match`."""
        bot = self.bot_messages()
        for message in reversed(bot):
            options = options_of(message["payload"])
            if options:
                break
        else:
            raise AssertionError("no interactive message to tap")
        chosen = next((o for o in options if match in o["id"] or match in o["title"]), None)
        assert chosen, f"{match!r} not among {options}"
        kind = "button_reply" if message["payload"]["interactive"]["type"] == "button" else "list_reply"
        self.send(type=kind, id=chosen["id"], title=chosen["title"], context_id=message["wamid"])
        return self.wait(len(bot) + 1)

    def send_photo(self, content: bytes, caption: str = "") -> str:
        return self.send(
            type="image", data_base64=base64.b64encode(content).decode(), mime_type="image/jpeg", caption=caption
        )

    def answer_until(self, prefix: str, *, place: str, text: str, limit: int = 25) -> list[dict[str, Any]]:
        """Answer like a patient citizen until the bot offers a button whose id starts with `prefix`:
        the place by name (and "yes, that one"), the time as "now", the first option of any question,
        `text` for a free-text question."""
        for _ in range(limit):
            bot = self.bot_messages()
            last = bot[-1]["payload"]
            ids = [o["id"] for o in options_of(last)]
            if any(i.startswith(prefix) for i in ids):
                return bot
            interactive = last.get("interactive") or {}
            if interactive.get("type") == "location_request_message":
                self.say(place)
            elif "location:yes" in ids:
                self.tap("location:yes")
            elif "time:now" in ids:
                self.tap("time:now")
            elif ids:
                self.tap(next(i for i in ids if "#page" not in i))
            else:
                self.say(text)
        raise AssertionError(f"the bot never offered {prefix}")
