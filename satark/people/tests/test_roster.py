from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from satark.people.models import Officer
from satark.vault.api import address_for
from satark.vault.models import Identity
from tests import factories as f

pytestmark = pytest.mark.django_db
HEADER = "name,rank,district,station,whatsapp,language\n"


def roster(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_roster_is_imported_with_numbers_only_in_the_vault(tmp_path: Path) -> None:
    f.load_reference()
    path = roster(
        tmp_path,
        "Ram Prakash Yadav,SI,ghazipur,Karanda,+91 94150 12345,hi\n"
        "Sunita Devi,Head Constable,Ghazipur,,09415012346,en\n",
    )
    out = io.StringIO()
    call_command("import_officers", str(path), stdout=out)
    assert "2 officers added" in out.getvalue()
    ram = Officer.objects.get(name="Ram Prakash Yadav")
    assert (ram.rank, ram.station.code if ram.station else None) == ("si", "ghazipur-karanda")
    assert address_for(ram.contact_ref).phone == "919415012345"
    assert Identity.objects.count() == 2
    call_command("import_officers", str(path), stdout=out)  # re-import updates, never duplicates
    assert Officer.objects.count() == 2


def test_a_bad_row_imports_nothing_and_names_every_problem(tmp_path: Path) -> None:
    f.load_reference()
    path = roster(
        tmp_path,
        "Ram,SI,ghazipur,Karanda,9415012345,hi\n"
        ",Major,Lucknow,,12345,fr\n"
        "Shyam,SI,jaunpur,Nowhere Thana,9415012345,hi\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_officers", str(path))
    message = str(error.value)
    assert "nothing was imported" in message
    assert "line 3: no name; unknown rank 'Major'; unknown district 'Lucknow'" in message
    assert "not a 10-digit Indian mobile number" in message and "language must be hi or en" in message
    assert "line 4:" in message and "no police station 'Nowhere Thana'" in message
    assert "the same WhatsApp number as line 2" in message
    assert Officer.objects.count() == 0 and Identity.objects.count() == 0


def test_a_roster_without_the_expected_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("naam,mobile\nRam,9415012345\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the column"):
        call_command("import_officers", str(path))
