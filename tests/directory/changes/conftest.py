"""Two organisations with a service each (tests/partner_fixtures.py), without the app."""

import pytest
from sqlalchemy.engine import Engine

from tests.partner_fixtures import World, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)
