"""The framework floor: Flask answering one JSON route with a body the size of Accredible's
issuer details, and nothing else: no authentication, store, quota or journal, on either HTTP
layer `mockserver serve` offers (8 threads, as it runs). What wrk measures here is the most
any Flask app can do on this machine behind that layer, the ceiling the sandbox's own read is
measured against.

    python bench/floor_app.py PORT [waitress|granian]
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, jsonify
from waitress import serve

BODY = {
    "issuer": {
        "id": 9001,
        "name": "Bench Academy",
        "url": "https://example.com",
        "certificate_left": 1000,
        "description": "The framework floor.",
    }
}


def build() -> Flask:
    app = Flask(__name__)

    @app.get("/v1/issuer/details")
    def details() -> object:
        return jsonify(BODY)

    return app


def serve_granian(port: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "bench.floor_app:build",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.WSGI,
        factory=True,
        blocking_threads=8,
        backpressure=8,  # as mockserver/core/granian_server.py
        log_level=LogLevels.error,
    ).serve()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # Granian imports bench.floor_app
    if sys.argv[2:] == ["granian"]:
        serve_granian(int(sys.argv[1]))
    else:
        serve(build(), host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
