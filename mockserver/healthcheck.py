"""`python -m mockserver.healthcheck`: exit 0 when the local server answers /_mock/health.

For container health checks (the Dockerfile's HEALTHCHECK): it reads the port from
MOCKSERVER_PORT as the server does (and MOCKSERVER_CONTROL_TOKEN, which the control plane then
needs), and tries http, then https (a --tls server's certificate is not checked: the probe
never leaves the container)."""

from __future__ import annotations

import os
import ssl
import sys
import urllib.error
import urllib.request


def healthy(port: str, token: str = "") -> bool:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for scheme in ("http", "https"):
        url = f"{scheme}://127.0.0.1:{port}/_mock/health"
        try:
            context = ssl._create_unverified_context() if scheme == "https" else None
            probe = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(probe, timeout=3, context=context) as answer:  # noqa: S310
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError, ValueError):
            continue
    return False


if __name__ == "__main__":
    port = os.environ.get("MOCKSERVER_PORT", "8080")
    sys.exit(0 if healthy(port, os.environ.get("MOCKSERVER_CONTROL_TOKEN", "")) else 1)
