"""The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): load the page, add a fault rule through it, send a request, see it in the journal
with the rule that fired; verify a Springest certification with its button."""

from __future__ import annotations

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.browser import submit

VEC = {"Authorization": "Bearer vec-demo-full-token"}


def test_add_a_fault_through_the_page_and_see_it_fire(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    assert browser.title == "mockserver dashboard"
    assert "Server clock" in browser.find_element(By.ID, "clock").text

    Select(browser.find_element(By.ID, "fault-provider")).select_by_value("vec")
    browser.find_element(By.ID, "fault-method").send_keys("GET")
    browser.find_element(By.ID, "fault-path").send_keys("/vec/business/*")
    browser.find_element(By.ID, "fault-status").send_keys("503")
    browser.find_element(By.ID, "fault-times").send_keys("1")
    assert "added" in submit(browser, browser.find_element(By.ID, "fault-submit"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#faults tr.fault")
    assert len(rows) == 1
    rule_id = rows[0].get_attribute("data-id")

    answer = requests.get(f"{base}/vec/business/certificate-vault", headers=VEC, timeout=10)
    assert answer.status_code == 503
    assert answer.json()["error_code"] == "SERVER_ERROR"  # VEC's own 5xx body

    browser.get(f"{base}/_mock/")
    newest = browser.find_elements(By.CSS_SELECTOR, "#requests tr.request")[0]
    assert "/vec/business/certificate-vault" in newest.text
    assert newest.find_element(By.CSS_SELECTOR, ".status").text == "503"
    assert f"rule {rule_id}" in newest.text
    assert browser.find_element(By.CSS_SELECTOR, "#faults tr.fault .fired").text == "1"


def test_verify_a_certification_and_advance_the_clock_from_the_page(server, browser) -> None:
    base = server.base_url
    browser.get(f"{base}/_mock/")
    panel = browser.find_element(By.ID, "panel-springest")
    row = next(
        r
        for r in panel.find_elements(By.CSS_SELECTOR, "tr.panel-row")
        if "PRINCE2 Foundation: not verified" in r.text
    )
    button = row.find_element(By.CSS_SELECTOR, "button.action[data-action='verify']")
    assert "verify: 200" in submit(browser, button)
    listed = requests.get(
        f"{base}/springest/certifications.json",
        params={"api_key": "springest-certifications-key"},
        timeout=10,
    ).json()
    assert 102 in [c["id"] for c in listed["certifications"]]

    before = requests.get(f"{base}/_mock/clock", timeout=10).json()["epoch"]
    browser.find_element(By.ID, "advance").send_keys("3600")
    assert "clock" in submit(browser, browser.find_element(By.ID, "clock-submit"))
    after = requests.get(f"{base}/_mock/clock", timeout=10).json()["epoch"]
    assert after - before >= 3600
    assert "reset in" in submit(browser, browser.find_element(By.ID, "reset"))
