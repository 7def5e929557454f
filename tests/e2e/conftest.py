from collections.abc import Iterator

import pytest
import requests

from tests.e2e.browser import browser  # noqa: F401 - the fixture, for every browser test
from tests.e2e.live import LiveServer


@pytest.fixture(scope="session")
def live() -> Iterator[LiveServer]:
    with LiveServer(args=["--provider-ports"]) as server:
        yield server


@pytest.fixture
def server(live: LiveServer) -> LiveServer:
    assert requests.post(f"{live.base_url}/_mock/reset", timeout=10).status_code == 200
    return live
