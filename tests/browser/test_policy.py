"""The Content-Security-Policy in Chromium: the query editor runs a query, and a publishing form
checks what one types, under the policy every page sends, and the browser reports no violation
of it (neither to the page's ``securitypolicyviolation`` listeners nor on its console).

A policy that blocks something the editor needs (a ``<style>`` it writes, a request, an
``eval``) breaks it silently for a person; here it fails a test.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

#: Installed before any script of a page runs: keeps every violation the page meets.
RECORD_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.policyViolations.push(event.violatedDirective + ' ' + event.blockedURI + ' '
                               + event.sourceFile + ':' + event.lineNumber);
});
"""


@pytest.fixture(scope="module")
def browser(open_chromium):
    with open_chromium(window="1400,1000", console_log=True) as driver:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
        )
        yield driver


def violations(driver) -> list[str]:
    """What the page reported, and what the console said about the policy."""
    seen = list(driver.execute_script("return window.policyViolations || []"))
    seen += [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]
    return seen


def test_the_page_sends_the_policy_the_browser_enforces(browser, server):
    browser.get(server.url + "sparql")
    header = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(location.href).then(r => done(r.headers.get('content-security-policy')));"
    )
    assert "script-src 'self'" in header and "unsafe-inline" not in header


def test_the_editor_runs_a_query_under_the_policy(browser, server):
    browser.get(server.url + "sparql?lang=fr")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    assert rows
    # The result table's resizable columns: the styles the editor writes are the hashed ones.
    assert browser.execute_script("return document.querySelectorAll('head style').length") >= 1
    assert violations(browser) == []


def test_a_publishing_form_checks_as_one_types_under_the_policy(
    browser, server, publisher_account, sign_in_browser
):
    sign_in_browser(browser, publisher_account)
    try:
        browser.get(server.url + "publish/new/event?lang=fr")
        browser.find_element(By.ID, "f-description-0-fr").send_keys("Une journée.")
        WebDriverWait(browser, 60).until(
            lambda d: (
                "doit avoir un nom"
                in d.find_element(By.CSS_SELECTOR, '[data-messages="name.0"]').text
            )
        )
        assert violations(browser) == []
    finally:
        browser.delete_all_cookies()


def test_an_inline_script_put_into_a_page_does_not_run(browser, server):
    """What the policy is for: a script that an escape missed stays inert."""
    browser.get(server.url + "catalog")
    ran = browser.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.injected = true';"
        "document.body.appendChild(s);"
        "return window.injected === true;"
    )
    assert ran is False
    assert any("script-src" in v for v in violations(browser))
