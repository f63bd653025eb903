import functools

import pytest

from watchlist.tests.helpers import nominate_entry, publish_entry


@pytest.fixture
def nominate(actor):
    return functools.partial(nominate_entry, actor)


@pytest.fixture
def publish(actor):
    return functools.partial(publish_entry, actor)
