"""Hindi and English: the switch is per user, and the catalogue is complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from satark.dashboard import catalogues
from satark.people.models import StaffProfile
from tests import factories as f

DASHBOARD = Path(__file__).resolve().parent.parent
PO = DASHBOARD / "locale" / "hi" / "LC_MESSAGES" / "django.po"
OTHERS = ("templates/dashboard/analytics/", "analytics_views.py")  # the analytics catalogue's, not this one


@pytest.mark.django_db
def test_the_language_switch_is_stored_per_user() -> None:
    f.load_reference()
    tip = f.tip("ghazipur")
    user = f.sp_office("ghazipur")
    client = f.verified_client(user)
    assert "Tips" in client.get("/dashboard/").content.decode()
    response = client.post("/language/", {"language": "hi", "next": f"/dashboard/tips/{tip.reference}/"})
    assert response.status_code == 302 and response["Location"] == f"/dashboard/tips/{tip.reference}/"
    assert StaffProfile.objects.get(user=user).language == "hi"
    page = client.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert '<html lang="hi">' in page and "घटनाक्रम" in page and "जुआ" in page  # Timeline; the category in Hindi
    # Another browser, same user: still Hindi. Another user: still English.
    assert "सूचनाएँ" in f.verified_client(user).get("/dashboard/").content.decode()
    assert "सूचनाएँ" not in f.verified_client(f.dig_office()).get("/dashboard/").content.decode()
    assert client.post("/language/", {"language": "xx"}).status_code == 302
    assert StaffProfile.objects.get(user=user).language == "hi"  # an unknown language changes nothing


@pytest.mark.django_db
def test_the_login_page_follows_the_cookie_before_sign_in() -> None:
    from django.test import Client

    client = Client()
    client.post("/language/", {"language": "hi", "next": "/login/"})
    assert "कर्मचारी लॉगिन" in client.get("/login/").content.decode()
    assert "Staff login" in Client().get("/login/").content.decode()


def test_every_dashboard_string_is_translated_and_the_mo_is_fresh() -> None:
    assert catalogues.problems(PO) == []


def test_the_catalogue_has_every_string_of_the_templates_and_code() -> None:
    """A pure-Python extraction of {% translate %}, {% blocktranslate %} and gettext calls, so a string added
    without updating the catalogue (manage.py makemessages) fails here."""
    ids = {entry.msgid for entry in polib.pofile(str(PO))}
    paths = [p for p in DASHBOARD.rglob("*.html") if not any(part in str(p) for part in OTHERS)]
    # the stored values the dashboard shows in words: tips' choice labels and sensitivity reasons
    shown = [DASHBOARD.parent / "people" / "access.py", DASHBOARD.parent / "tips" / "models.py",
             DASHBOARD.parent / "tips" / "reasons.py"]
    paths += [p for p in [*DASHBOARD.rglob("*.py"), *shown]
              if "tests" not in p.parts and not any(part in str(p) for part in OTHERS)]
    used = catalogues.used_strings(paths)
    missing = sorted(used - ids)
    assert missing == [], f"not in {PO.relative_to(DASHBOARD.parent.parent)}: {missing}"
    assert len(used) > 150


def test_the_check_notices_an_untranslated_entry_and_a_stale_mo(tmp_path: Path) -> None:
    po_path = tmp_path / "django.po"
    po = polib.pofile(str(PO))
    po.save(str(po_path))
    po_path.with_suffix(".mo").write_bytes(catalogues.compiled(po_path))
    assert catalogues.problems(po_path) == []
    po.append(polib.POEntry(msgid="A new sentence", msgstr=""))
    po.save(str(po_path))
    assert [line for line in catalogues.problems(po_path) if "untranslated" in line]
    po.find("Timeline").msgstr = "समयरेखा"  # a changed translation: the old .mo no longer matches
    po.save(str(po_path))
    assert any("stale" in line for line in catalogues.problems(po_path))
