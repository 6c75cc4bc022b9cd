"""The moderation screen of an article as a moderator reads it in Chromium: the article
pasted, then each fact with its sentence, the passage marked, its confidence and its three
answers; read by axe-core at a phone's width and a desktop's, nothing wider than the screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SERIOUS = {"serious", "critical"}
LOGIN = "moderation-articles@example.org"
SEED = "seed/000_6c48d4cfc32f2d43.txt"


@pytest.fixture(scope="module")
def moderator(chromium, server, users, password, sign_in_browser):
    made = users(server.store_dir, "add", LOGIN, "--role", "moderator", password=password)
    assert made.returncode == 0, made.stderr
    sign_in_browser(chromium, LOGIN)
    yield chromium
    chromium.delete_all_cookies()


@pytest.fixture(scope="module")
def story(shared) -> str:
    text = (shared / SEED).read_text(encoding="utf-8")
    said = next(p for p in text.split("\n\n") if "s'est tenue" in p)
    return f"Journée régionale à Liévin\n\n{said}\n"


@pytest.mark.parametrize("width", [390, 1280])
def test_an_article_pasted_then_reviewed_fact_by_fact(moderator, open_page, run_axe, story, width):
    driver = open_page("/publish/articles", width)
    assert not [v for v in run_axe() if v["impact"] in SERIOUS]
    driver.find_element(By.ID, "article-text").send_keys(story)
    driver.find_element(By.CSS_SELECTOR, "#ingest-form button[type=submit]").click()
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.ID, "facts-form"))
    marked = driver.find_elements(By.CSS_SELECTOR, ".evidence mark")
    assert marked and marked[0].is_displayed()
    assert "Le 4 décembre 2019 à Liévin" in marked[0].text
    assert driver.find_elements(By.CSS_SELECTOR, ".to-complete")  # the date, the address
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    assert not serious, serious
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= arguments[0]", width
    )
