"""Chromium for the browser tests (Debian's chromium and chromium-driver, driven by Selenium,
no browser download), and the waits they share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.system import CHROMEDRIVER, CHROMIUM, need_browser


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    need_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="mockserver-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _left(page: WebElement) -> Callable[[webdriver.Chrome], bool]:
    """Whether the browser has left the page `page` belongs to.

    Selenium's own staleness_of waits for "stale element" only; while a navigation is under
    way, ChromeDriver may instead answer that the node "does not belong to the document",
    which that condition raises (seen once in CI). Both mean the old page is gone."""

    def left(_: webdriver.Chrome) -> bool:
        try:
            page.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True
        return False

    return left


def submit(browser: webdriver.Chrome, button: object) -> str:
    """Click a form button, wait for the page it leads to, and return that page's message."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()  # type: ignore[attr-defined]
    WebDriverWait(browser, 15).until(_left(page))
    WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.ID, "message"))
    )
    return browser.find_element(By.ID, "message").text
