"""No duplicates in Chromium: as a publisher types the name of a new organisation, the
existing ones of a close name appear above the form (« Existe déjà ? », a link to each) and
the same name is a warning on the name field, and axe-core finds nothing serious on the
page then; an unrelated name shows none."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture
def new_organisation(as_publisher, server):
    as_publisher.get(server.url + "publish/new/organisation")
    return as_publisher


def existing(driver) -> list[str]:
    """The links of the « Existe déjà ? » section while it is shown."""
    section = driver.find_element(By.ID, "existing")
    if not section.is_displayed():
        return []
    return [a.get_attribute("href") for a in section.find_elements(By.CSS_SELECTOR, "li a")]


def name_messages(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, '[data-messages="name.0"]').text


def test_typing_the_name_of_an_existing_organisation_shows_it_first(new_organisation, run_axe):
    driver = new_organisation
    assert existing(driver) == []
    driver.find_element(By.ID, "f-name-0").send_keys("france mediation")
    WebDriverWait(driver, 60).until(lambda d: existing(d))
    assert existing(driver)[0].endswith("/id/actor/france-mediation")
    assert "Existe déjà ?" in driver.find_element(By.ID, "existing-title").text
    WebDriverWait(driver, 60).until(lambda d: "Existe déjà" in name_messages(d))
    assert name_messages(driver).startswith("Conseil")
    serious = [v for v in run_axe() if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_an_unrelated_name_shows_none(new_organisation):
    driver = new_organisation
    name = driver.find_element(By.ID, "f-name-0")
    name.send_keys("france mediation")
    WebDriverWait(driver, 60).until(lambda d: existing(d))
    name.clear()
    name.send_keys("Zèbres du Vercors")
    WebDriverWait(driver, 60).until(lambda d: existing(d) == [])
    assert "Existe déjà" not in name_messages(driver)
