from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .stackfixture import Running, start_product


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    yield from start_product(Path(tmp_path_factory.mktemp("e2e")))
