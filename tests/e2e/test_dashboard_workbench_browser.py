"""The dashboard as QA's workbench, in a real headless Chromium against a real server: the
request list's filter and paging, a request's detail page and its curl command (run for real),
the list updating itself, the scenario picker, and each provider panel's main action."""

from __future__ import annotations

import io
import shlex
import subprocess

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.browser import submit
from tests.receiver import webhook_receiver
from tests.seekpass.helpers import BATCH_PATH, http_token, sample_batch
from tests.system import need_curl

VEC = {"Authorization": "Bearer vec-demo-full-token"}
ACCREDIBLE_KEY = "accredible-demo-key"
ACCREDIBLE = {"Authorization": f"Token token={ACCREDIBLE_KEY}"}
SIGNED = "7b1f4c1e-8d2a-4f57-9c3e-2a6d5e0b9f11"
DEAN = "4f0e7a52-2c6b-4c8e-9a51-0d7f7f5b6a01"
REGISTRAR = "4f0e7a52-2c6b-4c8e-9a51-0d7f7f5b6a02"


def _rows(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "#requests tr.request")


def _panel_button(browser, provider: str, row_text: str, action: str):
    panel = browser.find_element(By.ID, f"panel-{provider}")
    for row in panel.find_elements(By.CSS_SELECTOR, "tr.panel-row"):
        if row_text in row.text:
            return row, row.find_element(By.CSS_SELECTOR, f"button[data-action='{action}']")
    raise AssertionError(f"no {provider} row with {row_text!r}: {panel.text}")


def test_filter_by_provider_status_tenant_and_path_then_page(server, browser) -> None:
    base = server.base_url
    for _ in range(27):
        assert requests.get(f"{base}/vec/business/certificate-vault", headers=VEC).ok
    assert requests.get(f"{base}/accredible/v1/issuer/details").status_code == 401
    assert requests.get(f"{base}/accredible/v1/issuer/details", headers=ACCREDIBLE).ok

    browser.get(f"{base}/_mock/")
    Select(browser.find_element(By.ID, "filter-provider")).select_by_value("accredible")
    Select(browser.find_element(By.ID, "filter-status")).select_by_value("4xx")
    browser.find_element(By.ID, "filter-submit").click()
    WebDriverWait(browser, 15).until(lambda b: "status=4xx" in b.current_url)
    rows = _rows(browser)
    assert len(rows) == 1
    assert rows[0].find_element(By.CSS_SELECTOR, ".status").text == "401"
    assert "/accredible/v1/issuer/details" in rows[0].text

    browser.get(f"{base}/_mock/?tenant=vec:demo-institute&path=certificate-vault")
    rows = _rows(browser)
    assert len(rows) == 25  # a page
    assert all("vec:demo-institute" in r.text for r in rows)
    assert browser.find_element(By.ID, "request-total").text == "27"
    browser.find_element(By.ID, "older").click()
    WebDriverWait(browser, 15).until(lambda b: "page=2" in b.current_url)
    assert len(_rows(browser)) == 2
    assert browser.find_element(By.ID, "filter-path").get_attribute("value") == "certificate-vault"

    browser.get(f"{base}/_mock/?path=no-such-thing")
    assert "none matching" in browser.find_element(By.ID, "requests").text


def test_detail_page_shows_both_sides_the_rule_and_a_curl_that_works(server, browser) -> None:
    curl = need_curl()
    base = server.base_url
    rule = requests.post(
        f"{base}/_mock/faults",
        json={
            "provider": "accredible",
            "method": "POST",
            "path": "/accredible/v1/credentials",
            "status": 422,
            "body": {"errors": ["upstream says no"]},
            "times": 1,
        },
        timeout=10,
    ).json()
    sent = {
        "credential": {"recipient": {"name": "Ada", "email": "ada@example.com"}, "group_id": 9001}
    }
    answer = requests.post(f"{base}/accredible/v1/credentials", json=sent, headers=ACCREDIBLE)
    assert answer.status_code == 422
    entry = requests.get(f"{base}/_mock/requests?limit=1", timeout=10).json()["requests"][0]

    browser.get(f"{base}/_mock/")
    _rows(browser)[0].find_element(By.CSS_SELECTOR, "a.detail").click()
    WebDriverWait(browser, 15).until(lambda b: f"/_mock/ui/requests/{entry['id']}" in b.current_url)
    assert browser.find_element(By.ID, "status").text == "422"
    assert f"rule {rule['id']}" in browser.find_element(By.ID, "applied").text
    request_body = browser.find_element(By.ID, "request-body").text
    assert '\n  "credential": {' in request_body  # pretty-printed
    assert "upstream says no" in browser.find_element(By.ID, "response-body").text
    headers = browser.find_element(By.ID, "request-headers").text
    assert "Token token=***" in headers or "Token ***" in headers  # masked in the journal

    browser.find_element(By.ID, "copy-curl").click()
    WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "copied").text)
    command = browser.find_element(By.ID, "curl").text
    assert command.startswith(f"curl -X POST {base}/accredible/v1/credentials")
    # Put the credential back and run it: the rule is used up, so the route itself answers.
    words = [w.replace("***", f"token={ACCREDIBLE_KEY}") for w in shlex.split(command)]
    words = [w.replace("token=token=", "token=") for w in words]
    done = subprocess.run(
        [curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", *words[1:]],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == "200", done
    last = requests.get(f"{base}/_mock/requests?limit=1", timeout=10).json()["requests"][0]
    assert last["body"] and '"ada@example.com"' in last["body"]


def test_the_list_updates_without_reloading(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    browser.execute_script("window.stillTheSamePage = true;")
    before = len(_rows(browser))
    assert requests.get(f"{base}/vec/business/certificate-vault?live=1", headers=VEC).ok
    WebDriverWait(browser, 15).until(lambda b: any("certificate-vault" in r.text for r in _rows(b)))
    assert len(_rows(browser)) == before + 1
    assert browser.execute_script("return window.stillTheSamePage === true;")
    # The browser's own /favicon.ico is not among the client's requests.
    assert requests.get(f"{base}/favicon.ico", timeout=10).status_code == 204
    assert requests.get(f"{base}/_mock/requests?path=/favicon.ico").json()["count"] == 0


def test_scenario_picker_makes_a_one_shot_rule_from_the_catalogue(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    picker = Select(browser.find_element(By.ID, "fault-scenario"))
    picker.select_by_value("accredible:insufficient_credits")
    browser.find_element(By.ID, "fault-times").send_keys("1")
    assert "added" in submit(browser, browser.find_element(By.ID, "fault-submit"))
    # An unrelated request in between does not use it up.
    assert requests.get(f"{base}/accredible/v1/issuer/groups/9001", headers=ACCREDIBLE).ok
    items = [{"recipient": {"name": "N", "email": "n@example.com"}, "group_id": 9001}]
    bulk = requests.post(
        f"{base}/accredible/v2/credentials/bulk_create",
        json={"credentials": items},
        headers=ACCREDIBLE,
        timeout=10,
    )
    assert bulk.status_code == 207


def test_accredible_credits_and_rate_limit_from_the_panel(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    row, button = _panel_button(browser, "accredible", "accredible:demo-academy", "set credits")
    field = row.find_element(By.CSS_SELECTOR, "input[name='field.balance']")
    field.clear()
    field.send_keys("3")
    assert "/_mock/accredible/credits: 200" in submit(browser, button)
    assert requests.get(f"{base}/_mock/accredible/credits").json()["accredible:demo-academy"] == 3
    details = requests.get(f"{base}/accredible/v1/issuer/details", headers=ACCREDIBLE).json()
    assert details["issuer"]["certificate_left"] == 3

    row, button = _panel_button(browser, "accredible", "rate limit", "set limit")
    field = row.find_element(By.CSS_SELECTOR, "input[name='field.limit']")
    field.clear()
    field.send_keys("nonsense")
    assert "400" in submit(browser, button)  # the control plane's reason is shown
    assert "limit must be a whole number from 1" in browser.find_element(By.ID, "message").text


def test_vec_fail_next_and_approve_from_the_panel(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    _, button = _panel_button(browser, "vec", "vec:demo-institute", "fail next")
    assert "/_mock/vec/processing: 200" in submit(browser, button)
    settings = requests.get(f"{base}/_mock/vec/processing").json()
    assert next(s for s in settings if s["tenant"] == "vec:demo-institute")["fail_next"] == 1

    csv = b"RecipientsEmail,RecipientsName,IssueDate,Grade\nok@example.com,Ok Person,01-06-2025,A\n"
    created = requests.post(
        f"{base}/vec/business/batches",
        data={
            "name": "Signed cohort",
            "template_id": SIGNED,
            "signatories[0][user_uuid]": DEAN,
            "signatories[0][index]": "1",
            "signatories[1][user_uuid]": REGISTRAR,
            "signatories[1][index]": "2",
        },
        files={"csv_file": ("recipients.csv", io.BytesIO(csv), "text/csv")},
        headers=VEC,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    batch_id = created.json()["data"]["id"]
    requests.post(f"{base}/_mock/clock", json={"advance": "1m"}, timeout=10)
    requests.post(f"{base}/_mock/vec/process", timeout=10)
    browser.get(f"{base}/_mock/")
    _, button = _panel_button(browser, "vec", batch_id, "approve")
    assert "approve: 200" in submit(browser, button)
    batch = requests.get(f"{base}/vec/business/batches/{batch_id}", headers=VEC).json()["data"]
    assert batch["status"] != "waiting_for_approval"
    state = browser.find_element(By.ID, "state").text
    assert "batches: 1" in state and "vec_counter" not in state and "sequence" not in state


def test_seekpass_verify_from_the_panel_and_the_delivery_it_sends(server, browser) -> None:
    base = server.base_url
    seekpass = f"{base}/seekpass"
    bearer = {"Authorization": f"Bearer {http_token(seekpass)}"}
    with webhook_receiver() as receiver:
        assert requests.post(
            f"{seekpass}/api/partner/v2/webhooks", json={"url": receiver.url}, headers=bearer
        ).ok
        made = requests.post(
            f"{seekpass}/api/partner/v2/verify/requests/digital_identity.json",
            json={"request_id": "panel-verify-1"},
            headers=bearer,
            timeout=10,
        )
        assert made.status_code == 201, made.text
        browser.get(f"{base}/_mock/")
        _, button = _panel_button(browser, "seekpass", "panel-verify-1", "verify")
        assert "complete: 200" in submit(browser, button)
        status = requests.get(
            f"{seekpass}/api/partner/v2/verify/requests/panel-verify-1.json", headers=bearer
        ).json()
        assert status["status"] == "verified"
        assert receiver.wait_for(1)
        requests.post(f"{base}/_mock/webhooks/run", timeout=10)
        browser.get(f"{base}/_mock/")
        deliveries = browser.find_elements(By.CSS_SELECTOR, "#deliveries tr.delivery")
        assert deliveries and "vwsp_request.verified" in deliveries[0].text
        assert deliveries[0].find_element(By.CSS_SELECTOR, ".delivery-status").text == "delivered"
        assert "200" in deliveries[0].find_element(By.CSS_SELECTOR, ".attempts").text

    batch = requests.post(
        f"{seekpass}{BATCH_PATH[len('/seekpass') :]}", json=sample_batch(), headers=bearer
    )
    assert batch.status_code == 201
    browser.get(f"{base}/_mock/")
    _, button = _panel_button(browser, "seekpass", sample_batch()["credential_id"], "decline")
    assert "complete: 200" in submit(browser, button)
