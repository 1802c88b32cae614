"""Webhook delivery modes: hold the next N webhooks, then release them batched and/or reordered.

Meta may aggregate up to 1000 updates in one POST and does not guarantee order (reference
doc section 1.4). A :class:`Hold` collects the next ``count`` webhooks whose payload is
ready (inbound messages and/or statuses, first attempts only) instead of posting them, and
releases them when full, when ``max_wait`` seconds passed, or on demand:

- ``grouping="value"``: ONE body, one ``entry``; the messages share one ``value`` (their
  ``contacts`` merged, several items in ``value.messages``), statuses share another change's
  ``value.statuses``
- ``grouping="changes"``: ONE body, one ``entry`` with one ``changes[]`` item per webhook
- ``grouping="entries"``: ONE body with one ``entry[]`` object per webhook
- ``grouping="none"``: each webhook is posted on its own (use with an ``order`` to reorder)

``order`` is ``fifo``, ``reverse`` or ``shuffle`` (``random.Random(seed)``: deterministic).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

GROUPINGS = ("value", "changes", "entries", "none")
ORDERS = ("fifo", "reverse", "shuffle")
KINDS = ("message", "status")
MAX_HOLD = 1000  # Meta: "a maximum of 1000 updates" per batch


@dataclass
class HoldSpec:
    count: int
    grouping: str = "value"
    order: str = "fifo"
    seed: int = 0
    kinds: tuple[str, ...] = KINDS
    max_wait: float | None = None
    repeat: bool = False

    @classmethod
    def from_json(cls, body: JSONDict) -> HoldSpec:
        """Validate a control-API body; raises ``ValueError`` with a readable message."""
        count = body.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_HOLD:
            raise ValueError(f"'count' must be an integer between 1 and {MAX_HOLD}")
        grouping = body.get("grouping", "value")
        if grouping not in GROUPINGS:
            raise ValueError(f"'grouping' must be one of {', '.join(GROUPINGS)}")
        order = body.get("order", "fifo")
        if order not in ORDERS:
            raise ValueError(f"'order' must be one of {', '.join(ORDERS)}")
        seed = body.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError("'seed' must be an integer")
        kinds = body.get("kinds", list(KINDS))
        if isinstance(kinds, str):
            kinds = [kinds]
        if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
            raise ValueError("'kinds' must be a non-empty list of 'message' and/or 'status'")
        max_wait = body.get("max_wait")
        if max_wait is not None and (
            not isinstance(max_wait, (int, float)) or isinstance(max_wait, bool) or max_wait < 0
        ):
            raise ValueError("'max_wait' must be a number of seconds >= 0")
        repeat = body.get("repeat", False)
        if not isinstance(repeat, bool):
            raise ValueError("'repeat' must be a boolean")
        return cls(
            count=count,
            grouping=grouping,
            order=order,
            seed=seed,
            kinds=tuple(dict.fromkeys(kinds)),
            max_wait=None if max_wait is None else float(max_wait),
            repeat=repeat,
        )

    def as_json(self) -> JSONDict:
        return {
            "count": self.count,
            "grouping": self.grouping,
            "order": self.order,
            "seed": self.seed,
            "kinds": list(self.kinds),
            "max_wait": self.max_wait,
            "repeat": self.repeat,
        }


@dataclass
class Held:
    """One webhook waiting in a hold (its body is final: signed bytes are recomputed on release)."""

    kind: str
    body: bytes
    wamid: str | None
    created: float
    on_result: Callable[..., None] | None = None


@dataclass
class Hold:
    spec: HoldSpec
    hold_id: int
    items: list[Held] = field(default_factory=list)
    batch: int = 0  # bumped on every release, so a stale ``max_wait`` flush is ignored
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.spec.seed)

    def accepts(self, kind: str) -> bool:
        return kind.split(":", 1)[0] in self.spec.kinds

    @property
    def full(self) -> bool:
        return len(self.items) >= self.spec.count

    def take(self) -> list[Held]:
        """Remove and return the held webhooks in release order."""
        items, self.items = self.items, []
        self.batch += 1
        if self.spec.order == "reverse":
            items.reverse()
        elif self.spec.order == "shuffle":
            self.rng.shuffle(items)
        return items

    def as_json(self) -> JSONDict:
        return {**self.spec.as_json(), "held": len(self.items)}


def combine(payloads: list[JSONDict], grouping: str) -> JSONDict:
    """Merge several Meta webhook envelopes into one (``grouping`` as in the module doc)."""
    entries = [entry for payload in payloads for entry in payload.get("entry", [])]
    obj = payloads[0].get("object", "whatsapp_business_account") if payloads else "whatsapp_business_account"
    if grouping == "entries":
        return {"object": obj, "entry": entries}
    changes = [change for entry in entries for change in entry.get("changes", [])]
    waba_id = entries[0]["id"] if entries else ""
    if grouping == "changes":
        return {"object": obj, "entry": [{"id": waba_id, "changes": changes}]}
    merged: dict[str, JSONDict] = {}
    seen_contacts: set[str] = set()
    for change in changes:
        value = change.get("value", {})
        group = "messages" if "messages" in value else "statuses"
        target = merged.get(group)
        if target is None:
            target = {k: v for k, v in value.items() if k in ("messaging_product", "metadata")}
            merged[group] = target
        for contact in value.get("contacts", []):
            key = json.dumps(contact, sort_keys=True)
            if key not in seen_contacts:
                seen_contacts.add(key)
                target.setdefault("contacts", []).append(contact)
        for key in ("messages", "statuses", "errors"):
            if key in value:
                target.setdefault(key, []).extend(value[key])
    field_name = changes[0].get("field", "messages") if changes else "messages"
    return {
        "object": obj,
        "entry": [{"id": waba_id, "changes": [{"field": field_name, "value": v} for v in merged.values()]}],
    }
