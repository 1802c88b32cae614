"""Media through the real stack: a photo, a video and a voice note sent from a phone reach the SP office
sanitised, classified and (the voice note) transcribed, by the consumer with the offline models."""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path

import pytest

from satark.core.stack import ROOT

from .phone import Phone, photo_with_gps
from .stackfixture import Running, Staff

pytestmark = pytest.mark.e2e
VOICE = Path(ROOT) / "satark" / "media" / "tests" / "data" / "voice-en.ogg"


def short_video() -> bytes:
    """Three seconds of H.264 at 320x240, as a phone would send (PyAV, installed with the models)."""
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(30):
            frame = np.zeros((240, 320, 3), dtype=np.uint8)
            frame[:, : 10 * i + 10] = (200, 120, 40)  # a bar growing across the picture
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def test_a_photo_a_video_and_a_voice_note_arrive_classified_and_transcribed(product: Running) -> None:
    phone = Phone(product.sim(), "919811100055", profile_name="Media sender")
    phone.say("hello")
    phone.tap("lang:en")
    phone.tap("category:illegal_mining")
    phone.tap("district:chandauli")
    phone.answer_until("media:", place="Sakaldiha", text="Trucks carry sand from the river bank every night")
    before = len(phone.bot_messages())
    phone.send_photo(photo_with_gps("gray"))
    phone.send(type="video", data_base64=base64.b64encode(short_video()).decode(), mime_type="video/mp4")
    phone.send(type="audio", data_base64=base64.b64encode(VOICE.read_bytes()).decode(), mime_type="audio/ogg")
    phone.wait(before + 1)
    phone.tap("media:done")
    final = phone.tap("confirm:yes")[-1]["payload"]["text"]["body"]
    found = re.search(r"VNS-[0-9A-Z]{5}", final)
    assert found, final
    reference = found.group(0)

    office = Staff(product.stack.web_url, "sp.chandauli", product.logins["sp.chandauli"])
    deadline = time.monotonic() + 120  # three analyses on a 2-core machine, the transcription the longest
    page = ""
    while time.monotonic() < deadline:
        page = office.get(f"/dashboard/tips/{reference}/").text
        done = page.count('data-testid="classification">classified') >= 2 and 'data-testid="transcript"' in page
        if done:
            break
        time.sleep(1)
    assert 'data-testid="tip-photo"' in page and 'data-testid="tip-video"' in page and 'data-testid="tip-audio"' in page
    assert page.count('data-testid="classification">classified') >= 2, "photo and video classified"
    transcript = re.search(r'data-testid="transcript">.*?</p><p>(.*?)</p>', page, re.S)
    assert transcript, "the voice note was transcribed"
    assert re.search(r"sand|mining|village|police", transcript.group(1), re.I), transcript.group(1)
    assert "automatic" in page  # shown as "automatic — may be wrong", next to the audio itself
    # The playable video and the audio are served to the office, sanitised copies only.
    for kind in ("video", "audio"):
        src = re.search(rf'data-testid="tip-{kind}"', page) and re.search(
            rf'<{kind} controls preload="metadata" src="([^"]+)"', page
        )
        assert src, kind
        response = office.get(src.group(1))
        assert response.status_code == 200 and len(response.content) > 1000
