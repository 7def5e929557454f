"""The waitress server both `mockserver serve` and the pytest plugin run, configured once."""

from __future__ import annotations

import logging
from typing import Any

# Far above the app's own limits, so that an oversized body reaches the app and gets the
# provider's 413 rather than waitress's plain-text one.
BODY_CEILING = 256 * 1024 * 1024


def create(app: Any, threads: int, **where: Any) -> Any:
    """A waitress server for `app`; `where` is waitress's `listen=` or `host=`/`port=`."""
    from waitress import create_server

    # waitress warns "Task queue depth is N" for every request that waits for a free thread:
    # under a load test that is thousands of lines a second on the user's console and about a
    # tenth of the server's time. Queueing is normal for a sandbox.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return create_server(
        app,
        threads=threads,
        ident="mockserver",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=BODY_CEILING,
        **where,
    )
