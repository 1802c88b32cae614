"""Configuration of the WhatsApp Cloud API simulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Meta's media URL validity (seconds of simulator clock).
MEDIA_URL_TTL = 5 * 60
# Uploaded media ids live 30 days, ids received via webhook 7 days.
UPLOADED_MEDIA_TTL = 30 * 24 * 3600
INBOUND_MEDIA_TTL = 7 * 24 * 3600
# Customer-service window.
SERVICE_WINDOW = 24 * 3600


@dataclass
class SimulatorConfig:
    """Everything the simulator needs to impersonate one WhatsApp business number.

    ``public_base_url`` is the simulator's own base URL (used to build media URLs);
    when empty, :func:`satark.simulator.server.serve` fills it in from the bound socket.
    """

    webhook_url: str
    app_secret: str
    verify_token: str
    access_token: str
    phone_number_id: str = "106540352242922"
    display_phone_number: str = "15550783881"
    waba_id: str = "102290129340398"
    public_base_url: str = ""
    # Delays (seconds, real time) of the ``sent`` and ``delivered`` status webhooks.
    status_delays: tuple[float, ...] = (0.0, 0.3)
    # Waits between webhook delivery attempts; attempts = len(retry_delays) + 1.
    retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
    # Socket timeout of one webhook POST.
    webhook_timeout: float = 10.0
    # Phones present at start-up and after a reset: (digits, label).
    default_phones: tuple[tuple[str, str], ...] = (("919000000001", "Citizen"),)
    # Put ``url`` into webhook media objects (Meta rolled this out from Nov 2025).
    media_url_in_webhooks: bool = True
    # Encoding of ``sha256`` in the ``GET /{media-id}`` answer. The reference doc only
    # says the webhook ``sha256`` is base64 and shows "..." for the GET answer, so the
    # simulator uses base64 in both places by default; "hex" is available if the
    # product wants to check against the other reading.
    media_sha256_encoding: str = "base64"
    verified_name: str = "Satark Mitra"
    # Threads delivering webhooks concurrently. Deliveries for the same phone stay in
    # order (one at a time); different phones are delivered in parallel.
    webhook_workers: int = 4
    # Reuse one keep-alive connection per delivery thread (faster under load).
    webhook_keepalive: bool = True
    # Delivery log entries kept (oldest dropped first).
    delivery_log_limit: int = 20000
    # Pair rate limit (131056): a token bucket per recipient phone holding
    # ``pair_rate_burst`` sends, refilled by one every ``pair_rate_interval`` seconds of
    # simulator clock. Meta: 1 message / 6 s sustained, bursts up to 45. 0 disables.
    pair_rate_burst: int = 45
    pair_rate_interval: float = 6.0
    # Template sends must name an APPROVED (name, language) with the right number of body
    # parameters (132001 / 132000). False accepts any well-formed template.
    strict_templates: bool = True
    # Seconds of simulator clock before a created template turns from PENDING to APPROVED.
    template_approval_delay: float = 0.0
    # Report every template status change after creation (the review's approval, a status set
    # through the control API) with Meta's ``message_template_status_update`` webhook.
    template_status_webhooks: bool = True
    # Meta's per-number throughput (130429 "Rate limit hit" beyond it): sends per second of
    # simulator clock, with at most one second's worth in a burst. Meta's default is 80/s
    # (1,000/s after an upgrade). Only sends count (not read receipts, not inbound traffic,
    # which the simulator itself generates). 0 disables.
    throughput_per_second: float = 80.0
    # Templates present (APPROVED) at start-up and after a full reset: Graph create bodies
    # (``name``, ``language``, ``category``, ``components``, ``parameter_format``?).
    templates: tuple[dict[str, Any], ...] = ()

    @property
    def base_url(self) -> str:
        return self.public_base_url.rstrip("/")
