"""The framework floor: Flask on waitress (8 threads, as `mockserver serve`) answering one JSON
route with a body the size of Accredible's issuer details, and nothing else: no
authentication, store, quota or journal. What wrk measures here is the most any Flask-on-
waitress server can do on this machine, the ceiling the sandbox's own read is measured
against.

    python bench/floor_app.py PORT
"""

from __future__ import annotations

import sys

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


if __name__ == "__main__":
    serve(build(), host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
