"""The browser page (``GET /``), its static assets and a token-free media proxy.

The page (``static/index.html`` + ``app.js`` + ``app.css``, no external resources) shows
one column per simulated phone and polls ``/_sim/api/phones/{phone}/messages`` every
second (and the phone list every two seconds, so numbers the product writes to appear).

Direction naming matches the control API: ``.msg.out`` (also ``.msg.bot``) is a message
the business/bot sent TO the phone; ``.msg.in`` (also ``.msg.user``) is one the phone
sent to the business. Stable hooks for browser tests:

- phone column: ``[data-phone="919000000001"]`` (``section.phone``)
- composer: ``.composer input[name=text]``, ``.composer button.send`` (Enter also sends),
  ``button.location-open`` (📍), ``input[type=file].photo`` (📷, image/video/audio)
- location panel: ``.location-panel input[name=latitude|longitude|place_name]``,
  ``.location-panel button.location-send`` (prefilled 25.58, 83.58 = Ghazipur)
- bot reply buttons ``button.reply-button`` (text = title, ``data-id``), list opener
  ``button.list-open``, list rows ``button.list-row`` (``data-id``), location request
  ``button.send-location``, template quick replies ``button.template-button``
  (``data-payload``); template bubbles have class ``template``
- every bubble: ``data-wamid``, ``data-type``, ``data-status``; ticks
  ``.ticks[data-status=pending|sent|delivered|read|failed]``; reactions ``.reaction-badge``
- add a phone: ``form.add-phone`` with ``input[name=phone]``, ``input[name=label]``,
  ``input[name=profile_name]``, ``button[type=submit]``; remove: ``button.remove-phone``

While a bot message is ``delivered`` and the page is visible, the page calls
``POST /_sim/api/phones/{phone}/read`` so the product receives ``read`` statuses.

``GET /_sim/media/{media_id}`` serves any media the simulator holds (uploaded by the
product or sent by a simulated phone) so that the page can show images without the
Graph access token. It is a simulator-only convenience route, not part of Meta's API.
"""

from __future__ import annotations

import re
from pathlib import Path

from .state import Simulator
from .wsgiutil import Request, Response

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/_sim/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/_sim/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
MEDIA_PROXY = re.compile(r"^/_sim/media/(?P<media_id>\d+)$")


def is_ui_path(path: str) -> bool:
    return path in ASSETS or bool(MEDIA_PROXY.match(path)) or path == "/favicon.ico"


class UI:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response(status=405, body=b"Method Not Allowed", content_type="text/plain")
        if request.path == "/favicon.ico":
            return Response(status=204, body=b"", content_type="image/x-icon")
        match = MEDIA_PROXY.match(request.path)
        if match:
            media = self.sim.get_media(match.group("media_id"))
            if media is None:
                return Response(status=404, body=b"Not Found", content_type="text/plain")
            return Response(status=200, body=media.data, content_type=media.mime_type)
        name, content_type = ASSETS[request.path]
        body = (STATIC_DIR / name).read_bytes()
        return Response(status=200, body=body, content_type=content_type)
