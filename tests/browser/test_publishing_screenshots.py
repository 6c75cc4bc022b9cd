"""The screenshots of docs/publishing.md: every image the page names is there, small, in the
part of its language, and none lies unused; the script that takes them walks the whole way
in Chromium (one language, into a scratch folder) and writes every image the page names
for that language."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "publishing.md"
IMAGES = ROOT / "docs" / "images" / "publishing"
SCRIPT = ROOT / "docs" / "publishing_screenshots.py"
LARGEST = 150_000


def named(lang: str | None = None) -> dict[str, str]:
    """The images the page names (file name → alt text), of one language's part or all."""
    text = PAGE.read_text(encoding="utf-8")
    if lang == "fr":
        text = text[: text.index("## In English")]
    elif lang == "en":
        text = text[text.index("## In English") : text.index("## For the service's team")]
    return {
        Path(path).name: alt
        for alt, path in re.findall(r"!\[([^\]]+)\]\((images/publishing/[\w.-]+\.png)\)", text)
    }


def test_every_image_the_page_names_is_there_small_and_in_its_language():
    assert len(named("fr")) >= 10 and len(named("en")) >= 10
    for lang, other in (("fr", "en"), ("en", "fr")):
        images = named(lang)
        assert all(name.endswith(f"-{lang}.png") for name in images), images
        # The French part's alt texts are French, the English part's English.
        assert {n.replace(f"-{lang}.", f"-{other}.") for n in images} == set(named(other))
    assert "La page « Se connecter »" in named("fr")["sign-in-fr.png"]
    assert 'The "Sign in" page' in named("en")["sign-in-en.png"]
    present = {path.name: path.stat().st_size for path in IMAGES.glob("*.png")}
    assert set(named()) == set(present), "named and not there, or there and not named"
    assert {name: size for name, size in present.items() if size > LARGEST} == {}


def test_the_page_says_how_to_take_them_again():
    assert "docs/publishing_screenshots.py" in PAGE.read_text(encoding="utf-8")
    shown = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert "--lang" in shown.stdout


def test_the_script_walks_the_whole_way(open_chromium, tmp_path):
    """``open_chromium`` only to say that the browser is missing, as the others do."""
    walked = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert walked.returncode == 0, walked.stdout + walked.stderr
    written = {path.name: path.stat().st_size for path in tmp_path.glob("*.png")}
    assert set(written) == set(named("en"))
    assert {name: size for name, size in written.items() if size > LARGEST} == {}
