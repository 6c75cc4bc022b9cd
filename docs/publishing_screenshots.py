"""The screenshots of docs/publishing.md: a publisher's steps and a moderator's, in Chromium,
in French and in English, taken again whenever the pages change.

    .venv/bin/python docs/publishing_screenshots.py [OUT] [--lang fr,en]

It starts ``mediation serve`` on a scratch store (the seed, in a temporary directory), makes
a publisher's account and a moderator's with ``mediation users``, and walks through
publishing an event: signing in, the form, the shapes' messages on the fields, picking an
existing organiser, « Existe déjà ? », the drafts, submitting, the moderator's queue and
review, a return with a comment, and the published page. Each step is written to
``OUT/{step}-{lang}.png`` (OUT is ``docs/images/publishing`` by default), at 1280 px wide,
and a few at 390 px (``…-phone-{lang}.png``), made small with Pillow (colours reduced,
optimised). The browser and the service are bench/screenshots.py's and bench/serving.py's.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from screenshots import open_chromium  # noqa: E402
from serving import serve_seeded  # noqa: E402

OUT = ROOT / "docs" / "images" / "publishing"
ORGANISER = "https://w3id.org/mediation-sociale/id/actor/france-mediation"
PUBLISHER = "claire@example.org"
MODERATOR = "moderation@example.org"
DESKTOP, PHONE = 1280, 390
#: The tallest part of a page a screenshot keeps, in CSS pixels.
TALLEST = 1500

#: The words of the walk that differ between the two languages.
WORDS = {
    "fr": {"comment": "Merci ! Ajoutez l'heure de fin de la journée, s'il vous plaît."},
    "en": {"comment": "Thank you! Please add the time the day ends."},
}
DAYS = {"fr": "2027-05-04", "en": "2027-05-11"}
#: The event, in both languages whatever the page's (the shapes want its name in French).
EVENT = {
    "name.fr": "Journée des médiateurs à Arras",
    "name.en": "Mediators' day in Arras",
    "description.fr": "Une journée d'échanges entre médiateurs sociaux.",
    "description.en": "A day of exchanges between social mediators.",
}


def users(store: Path, *args: str, password: str | None = None) -> None:
    """``mediation users ARGS`` on the scratch store, the password on standard input."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "users", *args, "--store", str(store)],
        input="" if password is None else password + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"mediation users {' '.join(args)}: {done.stderr}")


def save_png(data: bytes, out: Path) -> int:
    """The screenshot at most 256 colours, optimised: a page's flat colours survive it."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(out, format="PNG", optimize=True)
    return out.stat().st_size


class Walk:
    """One browser walking the publishing pages of one service in one language."""

    def __init__(self, driver: WebDriver, url: str, lang: str, out: Path, password: str):
        self.driver, self.url, self.lang, self.out = driver, url, lang, out
        self.password = password
        self.words = WORDS[lang]
        self.day = DAYS.get(lang, "2027-05-18")  # one event per language, each its own IRI
        self.taken: list[Path] = []

    def width(self, width: int) -> None:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    def open(self, path: str) -> None:
        joiner = "&" if "?" in path else "?"
        self.driver.get(f"{self.url}{path.lstrip('/')}{joiner}lang={self.lang}")

    def wait(self, condition: Callable[[WebDriver], object], seconds: int = 60):
        try:
            return WebDriverWait(self.driver, seconds).until(lambda d: condition(d))
        except TimeoutException:
            shown = [
                f"{m.get_attribute('data-messages')}: {m.text}"
                for m in self.driver.find_elements(By.CSS_SELECTOR, "[data-messages]")
                if m.text
            ]
            raise SystemExit(
                f"{self.driver.current_url}: the page did not reach the next step;"
                f" its messages: {shown}"
            ) from None

    def shot(self, step: str, width: int = DESKTOP, around: str | None = None) -> None:
        """The page at ``width`` from its top (or from a little above the element
        ``around``), at most ``TALLEST`` pixels of it."""
        self.width(width)
        top = 0
        if around is not None:
            top = self.driver.execute_script(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                "return Math.max(0, Math.floor(r.top + window.scrollY - 24));",
                around,
            )
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": top,
                    "width": width,
                    "height": max(1, min(height - top, TALLEST)),
                    "scale": 1,
                },
            },
        )
        suffix = "-phone" if width < 600 else ""
        out = self.out / f"{step}{suffix}-{self.lang}.png"
        size = save_png(base64.b64decode(shot["data"]), out)
        self.taken.append(out)
        print(f"{out.name:<36} {size / 1000:6.1f} kB", flush=True)

    def sign_in(self, login: str, step: str | None = None) -> None:
        self.driver.delete_all_cookies()
        self.width(DESKTOP)
        self.open("/publish/sign-in")
        self.driver.find_element(By.ID, "login").send_keys(login)
        self.driver.find_element(By.ID, "password").send_keys(self.password)
        if step:
            self.shot(step)
            self.shot(step, PHONE)
        self.driver.find_element(By.CSS_SELECTOR, "form.publish-form button[type=submit]").click()
        self.wait(lambda d: "/publish/sign-in" not in d.current_url)

    def messages(self, entry: str) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-messages="{entry}"]').text

    def set_value(self, element_id: str, value: str) -> None:
        """A date or time field set as the browser's picker would (its display order
        depends on the locale, typing into it does not)."""
        self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true}));",
            element_id,
            value,
        )

    def pick(self, field: str, typed: str) -> None:
        """Type part of a name into a search field and wait for its suggestions."""
        self.driver.find_element(By.ID, field).send_keys(typed)
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f"#{field}-list [role=option]"))

    def choose(self, field: str, choice: str | None = None) -> None:
        """Click the suggestion named ``choice`` (the first when None or not there)."""
        options = self.driver.find_elements(By.CSS_SELECTOR, f"#{field}-list [role=option]")
        chosen = [o for o in options if choice is None or o.text == choice] or options
        chosen[0].click()
        self.wait(lambda d: d.find_element(By.ID, f"{field}-value").get_attribute("value"))

    def publisher_writes(self) -> int:
        """The event form, its messages, the organiser picked, « Existe déjà ? », saved as
        a draft and submitted: the draft's number."""
        self.sign_in(PUBLISHER, "sign-in")
        self.open("/publish/new/event")
        self.shot("event-form")
        self.driver.find_element(By.ID, "f-description-0-fr").send_keys(EVENT["description.fr"])
        self.wait(lambda d: self.messages("name.0"))
        self.set_value("f-startDate-0-date", self.day)
        self.set_value("f-endDate-0-date", "2027-05-01")
        self.wait(lambda d: self.messages("endDate.0"))
        self.shot("event-form-messages", around="#form-summary")
        self.shot("event-form-messages", PHONE, around="#form-summary")
        for field in ("name.en", "description.en", "name.fr"):
            stem, lang = field.split(".")
            self.driver.find_element(By.ID, f"f-{stem}-0-{lang}").send_keys(EVENT[field])
        self.set_value("f-endDate-0-date", self.day)
        self.set_value("f-startDate-0-time", "09:00")
        self.pick("f-organizer-0", "france médi")
        self.shot("organiser-search", around="#f-organizer-0")
        self.choose("f-organizer-0", "France Médiation")
        self.pick("f-location-0", "arena")
        self.choose("f-location-0")
        self.wait(
            lambda d: (
                not self.messages("endDate.0")
                and d.find_element(By.ID, "f-name-0-fr").get_attribute("aria-invalid") != "true"
            )
        )
        self.driver.find_element(By.CSS_SELECTOR, "button.save-draft").click()
        self.wait(lambda d: d.find_elements(By.ID, "draft-title"))
        number = int(self.driver.current_url.split("/publish/drafts/")[1].split("?")[0])

        self.open("/publish/new/organisation")
        self.driver.find_element(By.ID, "f-name-0").send_keys("France Mediation")
        self.wait(lambda d: d.find_element(By.ID, "existing").is_displayed())
        self.wait(lambda d: self.messages("name.0"))
        self.shot("already-there")

        self.open("/publish/drafts")
        self.shot("drafts")
        self.open(f"/publish/drafts/{number}")
        self.driver.find_element(By.CSS_SELECTOR, "button.submit").click()
        self.wait(lambda d: f"/publish/drafts/{number}" not in d.current_url)
        self.open("/publish/drafts")
        self.shot("submitted")
        return number

    def moderator_returns(self, number: int) -> None:
        self.sign_in(MODERATOR)
        self.open("/publish/review")
        self.shot("review-queue")
        self.open(f"/publish/review/{number}")
        self.shot("review")
        self.driver.find_element(By.ID, "comment").send_keys(self.words["comment"])
        self.driver.find_element(
            By.CSS_SELECTOR, f"form[action^='/publish/review/{number}/return'] button"
        ).click()
        self.wait(lambda d: f"/publish/review/{number}" not in d.current_url)

    def publisher_resubmits(self, number: int) -> None:
        self.sign_in(PUBLISHER)
        self.open(f"/publish/drafts/{number}")
        self.set_value("f-endDate-0-time", "17:00")
        self.shot("returned")
        self.driver.find_element(By.CSS_SELECTOR, "button.submit").click()
        self.wait(lambda d: f"/publish/drafts/{number}" not in d.current_url)

    def moderator_publishes(self, number: int) -> None:
        self.sign_in(MODERATOR)
        self.open(f"/publish/review/{number}")
        self.driver.find_element(
            By.CSS_SELECTOR, f"form[action^='/publish/review/{number}/publish'] button"
        ).click()
        self.wait(lambda d: f"/publish/review/{number}" not in d.current_url)
        self.open("/publish/review")
        link = self.driver.find_element(By.CSS_SELECTOR, "#published li a")
        self.driver.get(link.get_attribute("href"))
        self.shot("published")
        self.shot("published", PHONE)

    def run(self) -> None:
        number = self.publisher_writes()
        self.moderator_returns(number)
        self.publisher_resubmits(number)
        self.moderator_publishes(number)
        self.driver.delete_all_cookies()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=OUT, help=f"default: {OUT}")
    parser.add_argument("--lang", default="fr,en", help="the languages, in order")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory(prefix="mediation-publishing-shots-") as scratch:
        store = Path(scratch) / "store"
        # The seed's nine territories: the steps pick none of the others, and the full list
        # would add minutes to the start (docs/territories.md).
        server, url = serve_seeded(store, settings={"territories": "seed"})
        try:
            users(store, "add", PUBLISHER, "--name", "Claire Dupont", "--role", "publisher",
                  "--organisation", ORGANISER, password=password)  # fmt: skip
            users(store, "add", MODERATOR, "--name", "Samir Benali", "--role", "moderator",
                  password=password)  # fmt: skip
            for lang in args.lang.split(","):
                driver = open_chromium(lang, str(Path(scratch) / f"profile-{lang}"))
                try:
                    Walk(driver, url, lang, args.out, password).run()
                finally:
                    driver.quit()
        finally:
            server.terminate()
            server.wait(timeout=60)
            for profile in Path(scratch).glob("profile-*"):
                shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
