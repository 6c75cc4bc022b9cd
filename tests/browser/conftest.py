"""Fixtures of the browser tests: Debian's Chromium, driven by Debian's chromedriver through
Selenium, set to a phone's width or a desktop's, and axe-core (the npm package pinned in this
folder's ``package.json``, installed by ``npm ci --prefix tests/browser``) injected into the
pages it opens.

One browser serves every test of the session: each test sets the width it reads at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium(open_chromium):
    """A headless Chromium asking for French, as the other browser tests ask."""
    with open_chromium() as driver:
        driver.set_script_timeout(120)
        yield driver


@pytest.fixture(scope="session")
def open_page(chromium, server) -> Callable[[str, int], object]:
    """Open a path of the shared server at a width, and wait until it is ready to read (where
    the query editor is, until it has started).

    A phone is emulated as one (``mobile``: the viewport meta tag applies, scroll bars
    overlay the page); a desktop window keeps its scroll bar.
    """

    def open_page(path: str, width: int):
        chromium.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        chromium.get(server.url + path.lstrip("/"))
        if chromium.find_elements(By.ID, "yasgui"):
            WebDriverWait(chromium, 30).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui[data-editor-ready]")
            )
        return chromium

    return open_page


@pytest.fixture(scope="session")
def axe_source(unavailable) -> str:
    if not AXE.exists():
        unavailable(
            f"axe-core absent ({AXE}) : lancez npm ci --prefix tests/browser. "
            "axe-core is missing: run npm ci --prefix tests/browser."
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def run_axe(chromium, axe_source) -> Callable[[], list[dict]]:
    """axe-core's violations on the page the browser shows, each with its rule, impact and
    the nodes it found (their selector, markup and what axe says is wrong)."""

    def run_axe() -> list[dict]:
        chromium.execute_script(axe_source)
        result = chromium.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                            summary: n.failureSummary}))}))))
              .catch(e => done({error: String(e)}));
            """
        )
        if isinstance(result, dict):
            raise RuntimeError(f"axe-core failed: {result['error']}")
        return result

    return run_axe


#: The publisher the browser signs in as to read the publishing forms.
PUBLISHER = "formulaires-navigateur@example.org"


@pytest.fixture(scope="session")
def publisher_account(server, users, password) -> str:
    made = users(server.store_dir, "add", PUBLISHER, "--role", "publisher", password=password)
    assert made.returncode == 0, made.stderr
    return PUBLISHER


@pytest.fixture(scope="session")
def sign_in_browser(server, password) -> Callable[[object, str], None]:
    """Sign a browser in at /publish as a person does: the form, filled in and sent."""

    def sign_in_browser(driver, login: str) -> None:
        driver.get(server.url + "publish/sign-in")
        driver.find_element(By.ID, "login").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.publish-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "/publish/sign-in" not in d.current_url)

    return sign_in_browser


@pytest.fixture
def as_publisher(chromium, publisher_account, sign_in_browser):
    """The shared browser signed in as a publisher for one test, signed out after it."""
    sign_in_browser(chromium, publisher_account)
    yield chromium
    chromium.delete_all_cookies()
