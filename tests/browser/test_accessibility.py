"""Every kind of page, read by axe-core in Chromium at a phone's width and a desktop's: no
serious or critical violation of its rules, and nothing wider than the screen.

axe-core checks what a machine can (names, roles, contrast, landmarks, label in name…); what
it cannot, the layout tests measure (``test_layout.py``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PHONE, DESKTOP = 390, 1280
WIDTHS = [PHONE, DESKTOP]

#: One page of every kind the service shows (the seed's resources).
PAGES = {
    "home": "/",
    "events": "/events",
    "actors": "/actors",
    "themes": "/themes",
    "places": "/places",
    "search": "/search?q=atelier",
    "event": "/id/event/2019-12-04-journee-regionale-lievin",
    "workshop": "/id/event/2019-12-04-lievin-atelier-acces-aux-droits-illectronisme",
    "series": "/id/event/journees-regionales-france-mediation",
    "organisation": "/id/actor/france-mediation",
    "person": "/id/actor/franck-boulanjon",
    "venue": "/id/place/arena-lievin",
    "territory": "/id/place/commune/62510",
    "theme": "/id/theme/illectronisme",
    "concept scheme": "/id/scheme/thematiques-mediation",
    "article": "/id/article/irev-2019-12-13-250-professionnels-reunis-mediation",
    "example query": "/id/query/programme-d-une-journee",
    "graph": "/graph/irev-2019-12-13-lievin",
    "vocabulary": "/def",
    "shapes": "/shapes",
    "query editor": "/sparql",
    "query results": "/sparql?format=html&query=SELECT%20%3Fs%20%3Fp%20%3Fo%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%2020",
    "catalog": "/catalog.html",
    "not found": "/id/event/nothing-here",
    "sign in": "/publish/sign-in",
}
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def report(open_page, run_axe):
    """What a page is at a width: axe-core's violations and how wide the page is, read once
    for the tests that ask."""
    seen: dict[tuple[str, int], dict] = {}

    def report(path: str, width: int) -> dict:
        if (path, width) not in seen:
            driver = open_page(path, width)
            seen[path, width] = {
                "violations": run_axe(),
                "widths": driver.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]"
                ),
            }
        return seen[path, width]

    return report


def said(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): "
        + "; ".join(f"{n['target']} {n['summary']}" for n in v["nodes"][:3])
        for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_serious_or_critical_violation(report, path, width):
    serious = [v for v in report(path, width)["violations"] if v["impact"] in SERIOUS]
    assert not serious, said(serious)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_nothing_is_wider_than_the_screen(report, path, width):
    # A phone widens its layout viewport to what overflows (innerWidth follows scrollWidth),
    # so the page is held to the width asked, not to innerWidth alone.
    scroll_width, inner_width = report(path, width)["widths"]
    assert inner_width == width and scroll_width <= width, (
        f"{path} is {scroll_width} px wide at {width} px"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_query_editor_after_running_an_example(open_page, run_axe, width):
    """The editor as it is used: an example of the gallery opened in the editor, run, its rows
    shown."""
    driver = open_page("/sparql", width)
    link = driver.find_element(
        By.CSS_SELECTOR, '#gallery li[data-example="programme-d-une-journee"] a.gallery-question'
    )
    driver = open_page(
        urlsplit(link.get_attribute("href"))._replace(scheme="", netloc="").geturl(), width
    )
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr")
    )
    serious = [v for v in run_axe() if v["impact"] in SERIOUS]
    # The one left, on a desktop: an example longer than the editor's 300 px box makes
    # CodeMirror's scroller a box that scrolls, and axe-core asks that such a box be reached
    # from the keyboard. It is, through CodeMirror's own text area, which takes the focus and
    # scrolls the box with its caret; axe-core cannot see that. (On a phone the editor grows
    # with its query, and there is no box to scroll.)
    codemirror = [
        v
        for v in serious
        if v["id"] == "scrollable-region-focusable"
        and all(n["target"].endswith(".CodeMirror-scroll") for n in v["nodes"])
    ]
    assert not [v for v in serious if v not in codemirror], said(serious)
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= arguments[0]", width
    )
