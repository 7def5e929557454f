"""`serve --tls`: HTTPS with a certificate made at start, trusted through the CA file the
start-up lines name, on both HTTP layers; `--tls-cert/--tls-key` for a certificate of one's
own. The client is requests-oauthlib, which refuses a plain-HTTP token URL."""

from __future__ import annotations

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient, InsecureTransportError
from requests_oauthlib import OAuth2Session

from tests.e2e.live import LiveServer

TOKEN_PATH = "/seekpass/api/partner/v1/oauth/token.json"
CLIENT = ("seekpass-demo-client", "seekpass-demo-secret")


def fetch_token(token_url: str, verify: str | bool) -> dict:
    session = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT[0]))
    return session.fetch_token(
        token_url,
        client_id=CLIENT[0],
        client_secret=CLIENT[1],
        include_client_id=True,
        verify=verify,
    )


def test_requests_oauthlib_refuses_plain_http(monkeypatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    with LiveServer(args=["--quiet"]) as server, pytest.raises(InsecureTransportError):
        fetch_token(server.base_url + TOKEN_PATH, verify=True)


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_tls_token_with_verification_and_https_links(layer: str, monkeypatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    with LiveServer(args=["--tls", "--http", layer, "--quiet"]) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        assert server.ca_file.endswith("ca.pem")
        token = fetch_token(server.base_url + TOKEN_PATH, verify=server.ca_file)
        assert token["token_type"] == "Bearer"
        # The certificate names localhost too, and the links handed out are https.
        base = server.base_url.replace("127.0.0.1", "localhost") + "/seekpass"
        created = requests.post(
            f"{base}/api/partner/v2/add/requests/batch.json",
            json={
                "credential_id": "tls-1",
                "education_items": [
                    {
                        "credential_id": "tls-1-edu",
                        "fields": {
                            "full_name": "Ann Lee",
                            "education_provider": "Uni",
                            "course_name": "BSc",
                            "conferral_year": "2024",
                        },
                        "assets": [{"asset_id": "tls-1-pdf", "asset_type": "pdf"}],
                    }
                ],
            },
            headers={"Authorization": f"Bearer {token['access_token']}"},
            verify=server.ca_file,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["redirect_uri"].startswith("https://localhost:")
        upload = body["asset_uploads"][0]["url"]
        assert upload.startswith("https://localhost:")
        put = requests.put(
            upload,
            data=b"%PDF-1.4\n%%EOF\n",
            headers={"Content-Type": "application/pdf"},
            verify=server.ca_file,
            timeout=10,
        )
        assert put.status_code == 200, put.text
        # Without the CA, verification fails: the certificate is really checked.
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(server.base_url + "/_mock/health", timeout=10)


def test_a_certificate_of_ones_own(tmp_path, monkeypatch) -> None:
    import trustme

    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    chain, key, ca_file = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(chain))
    cert.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    server = LiveServer(args=["--tls-cert", str(chain), "--tls-key", str(key), "--quiet"])
    server.ca_file = str(ca_file)
    with server:
        assert not any("trust the certificate authority" in line for line in server.output)
        assert fetch_token(server.base_url + TOKEN_PATH, verify=str(ca_file))["access_token"]


def test_the_ca_is_kept_in_the_data_dir_across_restarts(tmp_path) -> None:
    with LiveServer(args=["--tls", "--data-dir", str(tmp_path), "--quiet"]) as first:
        first_ca = first.ca_file
    assert first_ca == str(tmp_path / "tls" / "ca.pem")
    trusted = (tmp_path / "tls" / "ca.pem").read_bytes()
    with LiveServer(args=["--tls", "--data-dir", str(tmp_path), "--quiet"]) as second:
        assert (tmp_path / "tls" / "ca.pem").read_bytes() == trusted
        health = requests.get(second.base_url + "/_mock/health", verify=first_ca, timeout=10)
        assert health.status_code == 200
