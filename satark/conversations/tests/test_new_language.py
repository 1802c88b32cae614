"""Adding a language is adding a catalogue file: the bot offers it, a report can be made in it, and
reference data not yet translated falls back to English. A catalogue missing a key is refused."""

from __future__ import annotations

import json
import time
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from satark.conversations import definitions
from satark.conversations.handler import handle_inbound
from satark.engine import DefinitionError
from satark.messaging.models import OutboxItem
from satark.messaging.types import InboundMessage
from satark.tips.models import Tip
from tests import factories as f

pytestmark = pytest.mark.django_db
REF = "rp_bhojpuri"
_ids = count(1)


def msg(**fields: Any) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp", external_id=f"wamid.L{next(_ids)}", timestamp=int(time.time()), kind="text", **fields
    )


def last() -> dict[str, Any]:
    item = OutboxItem.objects.filter(recipient_ref=REF).order_by("-id").first()
    assert item is not None
    return dict(item.payload)


@pytest.fixture
def bhojpuri(tmp_path: Path) -> Path:
    """A third language: the English catalogue with its own name and a few texts of its own."""
    english = json.loads((definitions.DATA / "catalogues" / "en.json").read_text(encoding="utf-8"))
    english["language_name"] = "भोजपुरी"
    english["ask_category"] = "रउआ का बारे में बतावे के चाहत बानी?"
    (tmp_path / "bho.json").write_text(json.dumps(english, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_a_catalogue_file_adds_a_language_end_to_end(bhojpuri: Path) -> None:
    f.load_reference()
    with override_settings(SATARK_EXTRA_CATALOGUE_DIRS=[str(bhojpuri)]):
        definition = definitions.get_definition()
        assert definition.languages == ("hi", "en", "bho")
        handle_inbound(REF, msg(text="pranam"))
        welcome = last()
        assert [o["title"] for o in welcome["options"]] == ["हिंदी", "English", "भोजपुरी"]
        handle_inbound(REF, msg(text="भोजपुरी"))
        assert "रउआ का बारे में बतावे के चाहत बानी?" in last()["body"]
        # Categories have no Bhojpuri titles yet: English is shown rather than nothing.
        assert "Gambling/betting" in json.dumps(last(), ensure_ascii=False)
        for text in ("jua", "ghazipur", "skip", "abhi", "1", "1", "skip", "2", "Taash ka adda roz raat ko", "no"):
            handle_inbound(REF, msg(text=text))
            if last().get("options") and any(o["id"] == "media:skip" for o in last()["options"]):
                break
        handle_inbound(REF, msg(text="skip"))
        handle_inbound(REF, msg(text="yes"))
        tip = Tip.objects.get()
        assert tip.language == "bho" and tip.category.code == "gambling"
    assert definitions.get_definition().languages == ("hi", "en")  # gone with the file


def test_a_catalogue_missing_a_key_is_refused(tmp_path: Path) -> None:
    f.load_reference()
    english = json.loads((definitions.DATA / "catalogues" / "en.json").read_text(encoding="utf-8"))
    del english["ask_category"]
    (tmp_path / "xx.json").write_text(json.dumps(english), encoding="utf-8")
    with override_settings(SATARK_EXTRA_CATALOGUE_DIRS=[str(tmp_path)]), pytest.raises(DefinitionError, match="xx"):
        definitions.get_definition()
