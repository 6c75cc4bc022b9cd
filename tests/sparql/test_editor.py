"""The query editor as a person meets it: Debian's Chromium opens ``/sparql``, runs a query.

It checks what only a browser shows: YASGUI starts from the service's own files with one tab,
a question of the gallery opens in it, a query goes to this endpoint and its rows show, the
share and download links name this host, and the page asks nothing of any other host.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def browser(open_chromium):
    with open_chromium(language=None, window="1400,1000", network_log=True) as driver:
        yield driver


def requested_hosts(driver) -> set[str]:
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://")):
                hosts.add(urlsplit(url).netloc)
    return hosts


def editor_value(driver) -> str:
    return driver.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    )


def test_the_editor_opens_one_tab_and_runs_its_query(browser, server):
    browser.get(server.url + "sparql?lang=fr")
    wait = WebDriverWait(browser, 30)
    root = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    tabs = browser.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")
    assert len(tabs) == int(root.get_attribute("data-editor-ready")) == 1
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    assert len(rows) >= 1
    assert "Journée régionale" in browser.find_element(By.CSS_SELECTOR, ".yasr").text
    assert requested_hosts(browser) == {urlsplit(server.url).netloc}


def test_a_gallery_question_opens_in_the_editor_and_runs(browser, server):
    browser.get(server.url + "sparql?lang=fr")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    link = browser.find_element(
        By.CSS_SELECTOR, '#gallery li[data-example="ateliers-illectronisme"] a.gallery-question'
    )
    expected = parse_qs(urlsplit(link.get_attribute("href")).query)["query"][0]
    link.click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")) == 1
    assert editor_value(browser) == expected
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(
        lambda d: (
            "L'accès aux droits et l'illectronisme"
            in d.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr").text
        )
    )
    assert requested_hosts(browser) <= {urlsplit(server.url).netloc}


def test_the_share_and_download_links_follow_the_query_on_this_host(browser, server):
    browser.get(server.url + "sparql")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    browser.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])",
        query,
    )
    browser.find_element(By.CSS_SELECTOR, ".yasqe_share").click()
    shared = wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".yasqe_sharePopup input").get_attribute("value")
    )
    assert shared == server.url + "sparql?query=" + quote(query, safe="-_.!~*'()")
    assert not browser.find_elements(By.CSS_SELECTOR, ".yasqe_sharePopup .shorten")
    share = browser.find_element(By.CSS_SELECTOR, "#editor-links a[data-share]")
    assert parse_qs(urlsplit(share.get_attribute("href")).query)["query"] == [query]
    csv_link = browser.find_element(By.CSS_SELECTOR, '#editor-links a[data-download="csv"]')
    params = parse_qs(urlsplit(csv_link.get_attribute("href")).query)
    assert params == {"query": [query], "format": ["csv"], "download": ["1"]}
    assert urlsplit(csv_link.get_attribute("href")).netloc == urlsplit(server.url).netloc
    assert requested_hosts(browser) <= {urlsplit(server.url).netloc}


def run_in_editor(browser, url: str, query: str) -> str:
    """Open the editor, replace the query of the tab shown, run it and return what the results
    area says once it shows an error."""
    browser.get(url + "sparql")
    wait = WebDriverWait(browser, 60)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#yasgui[data-editor-ready]"))
    browser.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0]);",
        query,
    )
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    shown = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr .errorResult")
    )
    return shown[0].text


def test_a_syntax_error_is_read_in_the_editor_with_its_position(browser, server):
    said = run_in_editor(browser, server.url, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }")
    assert "[object Object]" not in said
    assert "Erreur de syntaxe dans la requête SPARQL, ligne 3, colonne " in said
    assert "SPARQL syntax error at line 3, column " in said
    assert "400" in said


@pytest.fixture(scope="module")
def impatient(start_server, tmp_path_factory):
    """A server whose queries may run 1 s."""
    running = start_server(
        tmp_path_factory.mktemp("impatient") / "store", extra_env={"MEDIATION_QUERY_TIMEOUT": "1"}
    )
    yield running
    running.stop()


def test_a_timed_out_query_is_read_in_the_editor_with_the_limit(browser, impatient):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    said = run_in_editor(browser, impatient.url, slow)
    assert "[object Object]" not in said
    assert "La requête a dépassé le délai de 1 s" in said
    assert "The query exceeded the 1 s time-out" in said
    assert "503" in said
