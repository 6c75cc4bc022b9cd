"""The publishing forms in Chromium: with JavaScript, the shapes' messages appear beside the
field as the person types (the server checks, the page shows) and a search offers existing
resources; without it, saving shows the same messages on the same fields. axe-core reads the
form with its messages shown."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ORGANISER = "https://w3id.org/mediation-sociale/id/actor/france-mediation"
SERIOUS = {"serious", "critical"}


def messages(driver, entry: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-messages="{entry}"]').text


def wait_for(driver, condition, seconds: int = 60):
    return WebDriverWait(driver, seconds).until(lambda d: condition(d))


def type_day(driver, element_id: str, day: str) -> None:
    """A day typed into a date field, in the order of the field's locale (the headless
    browser may show month first): the 4th and the 1st of May, or of April and January,
    keep their order either way."""
    year, month, date = day.split("-")
    driver.find_element(By.ID, element_id).send_keys(date + month + year)


@pytest.fixture
def page(as_publisher, server):
    chromium = as_publisher

    def page(path: str, width: int = 390):
        chromium.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        chromium.get(server.url + path.lstrip("/"))
        return chromium

    return page


def test_messages_appear_as_the_person_types(page, run_axe):
    driver = page("/publish/new/event")
    driver.find_element(By.ID, "f-description-0-fr").send_keys("Une journée pour les médiateurs.")
    wait_for(driver, lambda d: "doit avoir un nom" in messages(d, "name.0"))
    name = driver.find_element(By.ID, "f-name-0-fr")
    assert name.get_attribute("aria-invalid") == "true"
    assert "f-name-0-msg" in name.get_attribute("aria-describedby")
    name.send_keys("Journée régionale à Arras")
    wait_for(driver, lambda d: "doit avoir un nom" not in messages(d, "name.0"))
    type_day(driver, "f-startDate-0-date", "2026-05-04")
    type_day(driver, "f-endDate-0-date", "2026-05-01")
    wait_for(driver, lambda d: "finit" in messages(d, "endDate.0"))
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    assert not serious, serious


def test_messages_as_one_types_are_in_english_on_an_english_page(page):
    driver = page("/publish/new/event?lang=en")
    driver.find_element(By.ID, "f-description-0-en").send_keys("A day for mediators.")
    wait_for(driver, lambda d: "must have a name" in messages(d, "name.0"))


def test_a_search_as_one_types_picks_an_existing_organiser(page):
    driver = page("/publish/new/event", 1280)
    driver.find_element(By.ID, "f-name-0-fr").send_keys("Journée")
    wait_for(driver, lambda d: "organisateur" in messages(d, "organizer.0"))
    driver.find_element(By.ID, "f-organizer-0").send_keys("france médi")
    option = wait_for(
        driver,
        lambda d: [
            o
            for o in d.find_elements(By.CSS_SELECTOR, "#f-organizer-0-list [role=option]")
            if o.text == "France Médiation"
        ],
    )[0]
    option.click()
    value = driver.find_element(By.ID, "f-organizer-0-value")
    assert value.get_attribute("value") == ORGANISER
    wait_for(driver, lambda d: "organisateur" not in messages(d, "organizer.0"))


def test_without_javascript_saving_shows_the_messages_on_the_fields(
    open_chromium, server, publisher_account, sign_in_browser
):
    with open_chromium(javascript=False) as driver:
        sign_in_browser(driver, publisher_account)
        driver.get(server.url + "publish/new/event")
        type_day(driver, "f-startDate-0-date", "2026-05-04")
        type_day(driver, "f-endDate-0-date", "2026-05-01")
        typed = driver.find_element(By.ID, "f-endDate-0-date").get_attribute("value")
        assert typed
        driver.find_element(By.CSS_SELECTOR, "button.save").click()
        wait_for(driver, lambda d: d.find_elements(By.ID, "summary-title"))
        assert "À corriger" in driver.find_element(By.ID, "summary-title").text
        assert "doit avoir un nom" in messages(driver, "name.0")
        assert "finit" in messages(driver, "endDate.0")
        # Sent back as it was typed.
        assert driver.find_element(By.ID, "f-endDate-0-date").get_attribute("value") == typed


FORMS = {
    "event form": "/publish/new/event",
    "organisation form": "/publish/new/organisation",
    "person form": "/publish/new/person?lang=en",
    "venue form": "/publish/new/place",
    "article form": "/publish/new/article?lang=en",
}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", FORMS.values(), ids=FORMS.keys())
def test_every_form_is_accessible_and_fits_the_screen(page, run_axe, path, width):
    driver = page(path, width)
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    assert not serious, serious
    scroll_width, inner_width = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == width and scroll_width <= width, f"{path}: {scroll_width} px"
