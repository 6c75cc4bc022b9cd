"""The publishing pages as a person signed in reads them: the account page, with its
organisations, a token just made and the list of tokens, and the list of accounts, read by
axe-core at a phone's width and a desktop's, and nothing wider than the screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from service.namespaces import ID

SERIOUS = {"serious", "critical"}
LOGIN = "lecture-axe@example.org"


@pytest.fixture(scope="module")
def signed_in(chromium, server, users, password, open_page):
    """The shared server's browser signed in with an administrator's account linked to an
    organisation, holding one token made on the page (its table and its notice shown)."""
    made = users(server.store_dir, "add", LOGIN, "--role", "administrator", password=password)
    assert made.returncode == 0, made.stderr
    linked = users(
        server.store_dir, "organisations", LOGIN, "--add", str(ID["actor/france-mediation"])
    )
    assert linked.returncode == 0, linked.stderr
    driver = open_page("/publish/sign-in", 1280)
    driver.find_element(By.ID, "login").send_keys(LOGIN)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.publish-form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: d.current_url.endswith("/publish/account"))
    yield driver
    chromium.delete_all_cookies()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_account_page_with_a_new_token(signed_in, open_page, run_axe, width):
    driver = open_page("/publish/account", width)
    driver.find_element(By.ID, "token-name").send_keys(f"essai-{width}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/publish/account/tokens'] button").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "new-token"))
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    assert not serious, serious
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= arguments[0]", width
    )
    # Every form of the page is in its main content (the header's search box aside).
    assert driver.execute_script(
        "return [...document.forms].every(f => f.closest('main') || f.role === 'search')"
    )
    assert len(driver.find_elements(By.CSS_SELECTOR, "main form")) >= 4


@pytest.mark.parametrize("width", [390, 1280])
def test_the_list_of_accounts(signed_in, open_page, run_axe, width):
    driver = open_page("/publish/accounts", width)
    assert driver.find_elements(By.CSS_SELECTOR, "#accounts li")
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    assert not serious, serious
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= arguments[0]", width
    )
