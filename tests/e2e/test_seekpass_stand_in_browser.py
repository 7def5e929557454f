"""SEEK Pass's `redirect_uri` followed in a real headless Chromium, as a partner's end-to-end
test would: the stand-in page shows the request with its documents' upload state, Verify and
Decline finish it as the SEEK Pass app would, and a verify request's browser is sent back to
the partner's `callback_url`. Its forms refuse posts from other sites."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.seekpass.helpers import http_token, sample_batch

PDF = b"%PDF-1.4\n%%EOF\n"


@contextmanager
def partner_app() -> Iterator[str]:
    """The partner's web app the user returns to: any GET answers a small page."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = b"<!doctype html><title>partner</title><h1 id='partner'>back at the partner</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/verified"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _batch(base: str) -> tuple[dict, dict[str, str]]:
    bearer = {"Authorization": f"Bearer {http_token(base)}"}
    made = requests.post(
        f"{base}/api/partner/v2/add/requests/batch.json",
        json=sample_batch(),
        headers=bearer,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    return made.json(), bearer


def _status(base: str, bearer: dict[str, str], partner_id: str) -> str:
    return requests.get(
        f"{base}/api/partner/v1/submissions/{partner_id}/status.json", headers=bearer, timeout=10
    ).json()["status"]


def test_redirect_uri_opens_the_request_and_decline_finishes_it(server, browser) -> None:
    base = server.provider_urls["seekpass"]  # SEEK Pass on its own port, at the root
    made, bearer = _batch(base)
    first = made["asset_uploads"][0]
    put = requests.put(first["url"], data=PDF, headers={"Content-Type": "application/pdf"})
    assert put.status_code == 200, put.text

    browser.get(made["redirect_uri"])
    WebDriverWait(browser, 15).until(lambda b: "?content=" in b.current_url)
    content = re.search(r"content=([0-9a-f-]+)", made["redirect_uri"]).group(1)
    assert "stand-in" in browser.find_element(By.ID, "mock-banner").text
    assert content in browser.find_element(By.ID, "summary").text
    assert "mock-batch-0001" in browser.find_element(By.ID, "summary").text
    states = {
        row.get_attribute("data-asset"): row.find_element(By.CSS_SELECTOR, ".asset-state").text
        for row in browser.find_elements(By.CSS_SELECTOR, "#assets tr.asset")
    }
    assert len(states) == len(made["asset_uploads"])
    assert states[first["asset_id"]].startswith("uploaded")
    assert all(s == "pending" for a, s in states.items() if a != first["asset_id"])
    assert "education_items" in browser.find_element(By.ID, "payload").text

    browser.find_element(By.ID, "decline").click()
    WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.ID, "done"))
    assert browser.find_element(By.ID, "status").text == "canceled"
    assert _status(base, bearer, "mock-batch-0001") == "canceled"
    # A declined request's upload links stop working, as the control plane's decline does.
    late = made["asset_uploads"][1]
    assert (
        requests.put(late["url"], data=PDF, headers={"Content-Type": "application/pdf"}).status_code
        == 403
    )


def test_verify_sends_the_user_back_to_the_partners_callback(server, browser) -> None:
    base = f"{server.base_url}/seekpass"
    bearer = {"Authorization": f"Bearer {http_token(base)}"}
    with partner_app() as callback:
        made = requests.post(
            f"{base}/api/partner/v2/verify/requests/digital_identity.json",
            json={"request_id": "stand-in-verify-1", "callback_url": callback},
            headers=bearer,
            timeout=10,
        )
        assert made.status_code == 201, made.text
        browser.get(made.json()["redirect_uri"])
        WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.ID, "verify"))
        assert "Verify your identity" in browser.find_element(By.TAG_NAME, "h1").text
        browser.find_element(By.ID, "verify").click()
        WebDriverWait(browser, 15).until(lambda b: b.current_url.startswith(callback))
        assert browser.find_element(By.ID, "partner").text == "back at the partner"
    result = requests.get(
        f"{base}/api/partner/v2/verify/requests/stand-in-verify-1.json", headers=bearer, timeout=10
    ).json()
    assert result["status"] == "verified" and result["credential"]["full_name"]


def test_an_unknown_request_is_a_page_that_says_so(server, browser) -> None:
    browser.get(f"{server.base_url}/seekpass/partner/add/batch#clientId=x&content=nope")
    WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.ID, "missing"))
    assert "nope" in browser.find_element(By.ID, "missing").text


@pytest.mark.parametrize(
    "headers, token",
    [
        ({"Origin": "http://evil.example"}, True),
        ({"Sec-Fetch-Site": "cross-site"}, True),
        ({}, False),
    ],
    ids=["other-origin", "cross-site", "no-token"],
)
def test_the_buttons_refuse_other_sites_and_missing_tokens(server, headers, token) -> None:
    base = f"{server.base_url}/seekpass"
    made, bearer = _batch(base)
    content = re.search(r"content=([0-9a-f-]+)", made["redirect_uri"]).group(1)
    page_url = f"{base}/partner/add/batch?content={content}"
    page = requests.get(page_url, timeout=10).text
    found = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    answer = requests.post(
        page_url,
        data={"decision": "verify", **({"form_token": found} if token else {})},
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 403
    assert _status(base, bearer, "mock-batch-0001") == "incomplete"
    # The same form from the page itself goes through.
    done = requests.post(
        page_url, data={"decision": "verify", "form_token": found}, allow_redirects=False
    )
    assert done.status_code == 303 and done.headers["Location"].startswith("?content=")
    assert _status(base, bearer, "mock-batch-0001") == "verified"
