"""A demo world and genuine inputs for the hostile-input tests, dated today."""

from __future__ import annotations

import pytest
from tests.hostile._cases import World, make_world


@pytest.fixture(scope="session")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("hostile-world"))
