"""What a person sees, in a real headless browser: Debian's ``chromium`` driven by Debian's
``chromedriver`` through Selenium (no browser is downloaded).

The browser asks for French (``Accept-Language: fr``), opens the home page, follows a link
to the Liévin day, reads it, follows the link to its organiser; and reads the event list
with JavaScript turned off.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

LIEVIN = "/id/event/2019-12-04-journee-regionale-lievin"
LIEVIN_NAME = "Journée régionale sur la médiation sociale à Liévin"


@pytest.fixture
def browser(open_chromium):
    with open_chromium() as driver:
        yield driver


@pytest.fixture
def browser_without_javascript(open_chromium):
    with open_chromium(javascript=False) as driver:
        yield driver


def visible_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_home_then_event_then_organiser(server, browser):
    browser.get(server.url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert heading.is_displayed() and heading.text == "La médiation sociale en données liées"

    # The figures are drawn, visible, with their titles, and their bars are links.
    figures = browser.find_elements(By.CSS_SELECTOR, "figure svg")
    assert len(figures) >= 4
    for svg in figures:
        assert svg.is_displayed() and svg.size["width"] > 200 and svg.size["height"] > 20
        assert svg.find_element(By.TAG_NAME, "title").get_attribute("textContent").strip()
    bars = browser.find_elements(By.CSS_SELECTOR, "#figure-organizers a")
    assert any("France Médiation" in (bar.get_attribute("aria-label") or "") for bar in bars)
    captions = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "figcaption")]
    assert "Organisateurs les plus actifs" in captions

    # Follow the link to the Liévin day, as a person would.
    link = browser.find_element(By.CSS_SELECTOR, f'a[href="{LIEVIN}"]')
    assert link.is_displayed() and link.text == LIEVIN_NAME
    link.click()
    assert browser.current_url.endswith(LIEVIN)
    title = browser.find_element(By.TAG_NAME, "h1")
    assert title.is_displayed() and title.text == LIEVIN_NAME
    text = visible_text(browser)
    assert "4 décembre 2019" in text, "the date reads in French"
    organiser = browser.find_element(By.CSS_SELECTOR, 'main a[href="/id/actor/france-mediation"]')
    assert organiser.is_displayed() and organiser.text == "France Médiation"

    organiser.click()
    assert browser.current_url.endswith("/id/actor/france-mediation")
    assert browser.find_element(By.TAG_NAME, "h1").text == "France Médiation"


def test_event_list_and_search_work_without_javascript(server, browser_without_javascript):
    driver = browser_without_javascript
    # JavaScript is really off in this browser: its <noscript> content shows.
    driver.get("data:text/html;charset=utf-8,<noscript><p id='off'>sans JavaScript</p></noscript>")
    assert driver.find_element(By.ID, "off").is_displayed()

    driver.get(server.url + "events")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Événements"
    items = driver.find_elements(By.CSS_SELECTOR, "ol.items > li")
    assert items and all(item.is_displayed() for item in items)
    assert any("décembre 2019" in item.text for item in items)

    # A facet is a plain link: following it narrows the list.
    facet = driver.find_element(
        By.CSS_SELECTOR, 'a[data-facet="territory"][data-value="departement/62"]'
    )
    count = int(
        facet.find_element(By.XPATH, "following-sibling::span[@class='count']").get_attribute(
            "data-count"
        )
    )
    facet.click()
    assert (
        "territory=departement%2F62" in driver.current_url
        or "territory=departement/62" in driver.current_url
    )
    assert len(driver.find_elements(By.CSS_SELECTOR, "ol.items > li")) == count

    # The search form is a plain form.
    driver.get(server.url + "search")
    field = driver.find_element(By.ID, "search-q")
    field.send_keys("MÉDIATEURS")
    field.submit()
    # The submission navigates; the results page is the one with the query in its address.
    WebDriverWait(driver, 30).until(lambda d: "q=" in d.current_url)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.TAG_NAME, "mark"))
    marks = [m.text.lower() for m in driver.find_elements(By.TAG_NAME, "mark")]
    assert "médiateurs" in marks or "médiateur" in marks
