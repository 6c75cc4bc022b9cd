"""The home page's figures as SVG: well-formed, accessible, and data never becomes markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from service.pages.charts import Bar, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '</svg><script>alert("x")</script> & <b onload="x">'


def unit(n: int) -> str:
    return f"{n} événement{'s' if n > 1 else ''}"


def test_bars_are_links_with_titles_and_the_figure_has_a_title_and_description():
    bars = [
        Bar("Pas-de-Calais", 7, "/events?territory=departement/62", "fr"),
        Bar("Aisne", 1, "/events?territory=departement/02", "fr"),
    ]
    root = ET.fromstring(bar_chart("f", bars, "Par département", "Nombre d'événements.", unit))
    assert root.get("aria-labelledby") == "f-title f-desc"
    assert root.find(f"{SVG}title").text == "Par département"
    assert root.find(f"{SVG}desc").text == "Nombre d'événements."
    links = root.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == [b.href for b in bars]
    assert [a.find(f"{SVG}title").text for a in links] == [
        "Pas-de-Calais : 7 événements",
        "Aisne : 1 événement",
    ]
    widths = [float(a.find(f"{SVG}rect").get("width")) for a in links]
    assert widths[0] > widths[1] > 0


def test_hostile_text_stays_text():
    bars = [Bar(HOSTILE, 3, '/events?theme="><script>', "fr")]
    for draw in (bar_chart, column_chart):
        svg = draw("f", bars, HOSTILE, HOSTILE, unit)
        root = ET.fromstring(svg)  # still one well-formed SVG document
        assert not list(root.iter(f"{SVG}script"))
        assert "<script>" not in svg and "</svg><" not in svg[:-6]
        assert root.find(f"{SVG}title").text == HOSTILE
        link = root.find(f"{SVG}a")
        assert link.get("href") == '/events?theme="><script>'
        assert link.find(f"{SVG}title").text.startswith(HOSTILE)


def test_empty_periods_show_on_the_axis_without_a_link():
    bars = [
        Bar("2018", 2, "/events?from=2018&to=2018"),
        Bar("2019", 0, "/events?from=2019&to=2019"),
        Bar("2020", 5, "/events?from=2020&to=2020"),
    ]
    root = ET.fromstring(
        column_chart("t", bars, "Par année", "Nombre d'événements par année.", unit)
    )
    assert [a.get("href") for a in root.findall(f"{SVG}a")] == [bars[0].href, bars[2].href]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2018", "2019", "2020"} <= set(labels)


def test_long_labels_are_shortened_but_titles_keep_them_whole():
    name = (
        "Quartiers prioritaires de la politique de la ville et renouvellement urbain (QPV, NPNRU)"
    )
    root = ET.fromstring(bar_chart("f", [Bar(name, 1, "/x", "fr")], "T", "D", unit))
    link = root.find(f"{SVG}a")
    shown = link.find(f"{SVG}text").text
    assert shown.endswith("…") and len(shown) < len(name)
    assert link.find(f"{SVG}title").text == f"{name} : 1 événement"
