"""Screenshots of every kind of page at a phone's width and a desktop's, for a person to
review; see bench/README.md ("Pages on a phone and a desktop").

    .venv/bin/python bench/screenshots.py OUT [--url URL] [--widths 390,1280] [--lang fr]

Without ``--url`` it starts ``mediation serve`` on a scratch store (the seed, in a temporary
directory) and stops it at the end; with ``--url`` it reads that service, which must hold
the seed's resources. Each page is written whole (up to 12,000 px high) to
``OUT/{kind}-{width}.png``, and ``OUT/index.html`` shows them side by side. The browser is
Debian's ``chromium`` driven by its ``chromedriver``, as the browser tests drive it; a phone
is emulated as one (the viewport meta tag applies, scroll bars overlay the page).
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import serve_seeded  # noqa: E402

CHROMIUM = os.environ.get("MEDIATION_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MEDIATION_CHROMEDRIVER", "/usr/bin/chromedriver")
TALLEST = 12_000

#: One page of every kind the service shows (the seed's resources), as the browser tests
#: read them.
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
    "concept-scheme": "/id/scheme/thematiques-mediation",
    "article": "/id/article/irev-2019-12-13-250-professionnels-reunis-mediation",
    "example-query": "/id/query/programme-d-une-journee",
    "graph": "/graph/irev-2019-12-13-lievin",
    "vocabulary": "/def",
    "shapes": "/shapes",
    "query-editor": "/sparql",
    "query-results": "/sparql?format=html&query=SELECT%20%3Fs%20%3Fp%20%3Fo%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%2020",
    "catalog": "/catalog.html",
    "not-found": "/id/event/nothing-here",
}


def open_chromium(lang: str, profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--lang={lang}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


def screenshot(driver: webdriver.Chrome, url: str, width: int, out: Path) -> None:
    """The whole page at ``width``, as a PNG."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get(url)
    if driver.find_elements(By.ID, "yasgui"):  # the query editor draws itself
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui[data-editor-ready]")
        )
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, TALLEST), "scale": 1},
        },
    )
    out.write_bytes(base64.b64decode(shot["data"]))


def index(out: Path, widths: list[int], url: str) -> None:
    """A page that shows the screenshots of each kind side by side."""
    rows = "".join(
        f"<tr><th>{html.escape(kind)}<br><small>{html.escape(path)}</small></th>"
        + "".join(
            f'<td><a href="{kind}-{width}.png"><img src="{kind}-{width}.png" '
            f'width="{min(width, 640)}" alt="{html.escape(kind)}, {width} px"></a></td>'
            for width in widths
        )
        + "</tr>\n"
        for kind, path in PAGES.items()
    )
    head = "".join(f"<th>{width} px</th>" for width in widths)
    (out / "index.html").write_text(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Screenshots</title>'
        "<style>td,th{vertical-align:top;text-align:left;padding:.5rem}"
        "img{border:1px solid #ccc}</style>"
        f"<p>{html.escape(url)}</p><table><tr><th>page</th>{head}</tr>\n{rows}</table></html>",
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write the screenshots into")
    parser.add_argument("--url", help="a running service (default: one on a scratch store)")
    parser.add_argument("--widths", default="390,1280", help="widths in CSS pixels")
    parser.add_argument("--lang", default="fr", help="the language the browser asks for")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mediation-screenshots-") as scratch:
        server = None
        url = args.url
        if url is None:
            server, url = serve_seeded(Path(scratch) / "store")
        url = url.rstrip("/")
        driver = open_chromium(args.lang, str(Path(scratch) / "profile"))
        try:
            for kind, path in PAGES.items():
                for width in widths:
                    screenshot(driver, url + path, width, args.out / f"{kind}-{width}.png")
                print(f"{kind:<16} {path}", flush=True)
        finally:
            driver.quit()
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
            shutil.rmtree(Path(scratch) / "profile", ignore_errors=True)
    index(args.out, widths, url)
    print(f"{len(PAGES) * len(widths)} screenshots in {args.out}; open {args.out / 'index.html'}")


if __name__ == "__main__":
    main()
