"""Oversize bodies on every provider, in every encoding, on both HTTP layers, over real HTTP.

Each provider × (url-encoded, multipart, JSON, chunked) × (just over its limit, far past the
HTTP layer's ceiling) must be answered in the provider's own envelope, never a 5xx, with a
bad credential answered first (401 whatever the size), and every exchange journaled.
Limits are set small (1 MiB for the API, 2 MiB for uploads) so the run stays quick; the
larger default of VEC's 20 MB file rule is tried on its own below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.live import LiveServer

KIB = 1024
MIB = 1024 * KIB
API_LIMIT = 1 * MIB
UPLOAD_LIMIT = 2 * MIB
FAR = 8 * MIB  # past waitress's ceiling (the largest limit plus 1 MiB)

# name: (path, good headers, bad headers, the envelope's key, takes a file)
ROUTES: dict[str, tuple[str, dict[str, str], dict[str, str], str, bool]] = {
    "seekpass-token": ("/seekpass/api/partner/v1/oauth/token.json", {}, {}, "error", False),
    "seekpass-batch": (
        "/seekpass/api/partner/v2/add/requests/batch.json",
        {},  # a token is fetched for it below
        {"Authorization": "Bearer not-a-token"},
        "error",
        False,
    ),
    "accredible-create": (
        "/accredible/v1/credentials",
        {"Authorization": "Token token=accredible-demo-key"},
        {"Authorization": "Token token=wrong"},
        "errors",
        False,
    ),
    "vec-upload-file": (
        "/vec/business/certificate-vault/upload-file",
        {"Authorization": "Bearer vec-demo-full-token"},
        {"Authorization": "Bearer wrong"},
        "message",
        True,
    ),
    "springest-certificate": (
        "/springest/users/certificates.json?api_key=springest-certificates-key",
        {},
        {},
        "error",
        True,
    ),
}
ENCODINGS = ["urlencoded", "multipart", "json", "chunked"]


def _send(base: str, path: str, headers: dict[str, str], encoding: str, size: int):
    blob = b"%PDF-1.4\n" + b"x" * size
    url = base + path
    if encoding == "urlencoded":
        return requests.post(url, data={"note": blob}, headers=headers, timeout=60)
    if encoding == "multipart":
        files = {"file": ("c.pdf", blob, "application/pdf")}
        return requests.post(url, files=files, headers=headers, timeout=60)
    json_headers = {**headers, "Content-Type": "application/json"}
    if encoding == "json":
        body = b'{"note":"' + b"x" * size + b'"}'
        return requests.post(url, data=body, headers=json_headers, timeout=60)
    parts = iter([b'{"note":"', b"x" * size, b'"}'])  # no length: Transfer-Encoding: chunked
    return requests.post(url, data=parts, headers=json_headers, timeout=60)


@pytest.fixture(scope="module", params=["waitress", "granian"])
def server(request) -> Iterator[LiveServer]:
    env = {
        "MOCKSERVER_MAX_REQUEST_BYTES": str(API_LIMIT),
        "MOCKSERVER_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
    }
    with LiveServer(args=["--http", request.param, "--quiet"], env=env) as live:
        yield live


def _seekpass_token(base: str) -> str:
    answer = requests.post(
        base + "/seekpass/api/partner/v1/oauth/token.json",
        data={
            "grant_type": "client_credentials",
            "client_id": "seekpass-demo-client",
            "client_secret": "seekpass-demo-secret",
        },
        timeout=10,
    )
    return answer.json()["access_token"]


def _answers(server: LiveServer, credentials: str) -> list[tuple[str, str, int, Any]]:
    token = _seekpass_token(server.base_url)
    found = []
    for name, (path, good, bad, _key, takes_file) in ROUTES.items():
        headers = dict(good if credentials == "good" else bad)
        if name == "seekpass-batch" and credentials == "good":
            headers["Authorization"] = f"Bearer {token}"
        if name == "springest-certificate" and credentials == "bad":
            path = path.replace("springest-certificates-key", "wrong")
        just_over = (UPLOAD_LIMIT if takes_file else API_LIMIT) + 4 * KIB
        for encoding in ENCODINGS:
            for size in (just_over, FAR):
                answer = _send(server.base_url, path, headers, encoding, size)
                found.append((name, encoding, size, answer))
    return found


def test_oversize_bodies_get_the_providers_own_answer_and_no_5xx(server: LiveServer) -> None:
    before = requests.get(f"{server.base_url}/_mock/requests/count", timeout=10).json()["count"]
    answers = _answers(server, "good")
    for name, encoding, size, answer in answers:
        where = (name, encoding, size, answer.status_code, answer.text[:120])
        assert 400 <= answer.status_code < 500, where
        assert ROUTES[name][3] in answer.json(), where  # the provider's own envelope
        if encoding in ("json", "chunked") and not ROUTES[name][4]:
            assert answer.status_code == 413, where  # every JSON route reads its body
        if encoding == "multipart" and ROUTES[name][4]:
            assert answer.status_code == 413, where  # a file past the upload limit
    journal = requests.get(f"{server.base_url}/_mock/requests/count", timeout=10).json()
    assert journal["count"] - before == len(answers) + 1  # and the token request
    five = requests.get(f"{server.base_url}/_mock/requests/count?status=5xx", timeout=10)
    assert five.json()["count"] == 0


def test_a_bad_credential_is_answered_first_whatever_the_size(server: LiveServer) -> None:
    for name, encoding, size, answer in _answers(server, "bad"):
        if name == "seekpass-token":
            continue  # its credentials are in the body: the body is read first, as Rails does
        where = (name, encoding, size, answer.status_code, answer.text[:120])
        if encoding != "chunked" or size != FAR:
            assert answer.status_code == 401, where
        else:
            # A chunked body has no length to refuse it by; waitress refuses one past its
            # ceiling while reading it, before the app runs (README, "Security").
            assert answer.status_code in (401, 413), where
    five = requests.get(f"{server.base_url}/_mock/requests/count?status=5xx", timeout=10)
    assert five.json()["count"] == 0


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_a_vec_file_over_20_mb_is_laravels_422_not_a_413(layer: str) -> None:
    with LiveServer(args=["--http", layer, "--quiet"]) as live:
        pdf = b"%PDF-1.4\n" + b"x" * (21 * 1000 * 1000)
        answer = requests.post(
            live.base_url + "/vec/business/certificate-vault/upload-file",
            files={"file": ("big.pdf", pdf, "application/pdf")},
            headers={"Authorization": "Bearer vec-demo-full-token"},
            timeout=60,
        )
    assert answer.status_code == 422, answer.text[:200]
    assert answer.json()["errors"]["file"] == [
        "The file field must not be greater than 20480 kilobytes."
    ]
