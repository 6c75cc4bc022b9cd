"""The home page's figures as SVG: well-formed, accessible, and data never becomes markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from service.pages.charts import Bar, bar_chart, column_chart, text_width, wrap_label

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
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert {"2018", "2019", "2020"} <= set(labels)


def shown(link: ET.Element) -> str:
    """The words a bar's label shows, its lines joined."""
    return " ".join("".join(link.find(f"{SVG}text").itertext()).split())


def test_labels_that_fit_are_drawn_whole():
    # Each was cut by one letter or more when the chart guessed its labels' widths.
    bars = [
        Bar("France Médiation", 10, "/a", ""),
        Bar("Pas-de-Calais", 7, "/b", "fr"),
        Bar("Reconnaissance du métier de médiateur", 2, "/c", "fr"),
        Bar("IREV", 1, "/d", ""),
    ]
    root = ET.fromstring(bar_chart("f", bars, "T", "D", unit))
    links = root.findall(f"{SVG}a")
    assert [shown(a) for a in links] == [b.label for b in bars]
    for link in links:  # one line each: there is room
        assert len(link.find(f"{SVG}text").findall(f"{SVG}tspan")) == 1


def test_long_labels_wrap_onto_lines_whole_and_titles_keep_them():
    name = (
        "Quartiers prioritaires de la politique de la ville et renouvellement urbain (QPV, NPNRU)"
    )
    root = ET.fromstring(bar_chart("f", [Bar(name, 1, "/x", "fr")], "T", "D", unit))
    link = root.find(f"{SVG}a")
    lines = [t.text for t in link.find(f"{SVG}text").findall(f"{SVG}tspan")]
    assert len(lines) >= 2 and " ".join(lines) == name
    room = float(link.find(f"{SVG}rect").get("x"))
    assert all(text_width(line) < room for line in lines)
    assert room <= 0.6 * 480 + 8
    assert link.find(f"{SVG}title").text == f"{name} : 1 événement"
    # The figure is tall enough for every line.
    ys = [float(t.get("y")) for t in link.iter(f"{SVG}tspan")]
    assert max(ys) < float(root.get("viewBox").split()[3])


@pytest.mark.parametrize(
    "text",
    [
        "Intégration de la médiation à son territoire",
        "Anticonstitutionnellementanticonstitutionnellement et la suite",
        "",
        "一二三四五六七八九十一二三四五六七八九十",
    ],
)
def test_wrapping_keeps_every_character_and_each_line_fits(text):
    lines = wrap_label(text, 120)
    assert all(text_width(line) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_wider_text_measures_wider():
    assert text_width("WWW") > text_width("iii") > 0
    assert text_width("é") == text_width("e")  # an accented letter as its letter
    assert text_width("Pas-de-Calais", 26) == 2 * text_width("Pas-de-Calais", 13)


def test_month_labels_are_whole_and_never_overlap():
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août"]
    bars = [
        Bar(f"{month} {year}", n % 5, f"/e?m={n}", "fr")
        for n, (year, month) in enumerate((y, m) for y in (2019, 2020, 2021) for m in months)
    ]
    root = ET.fromstring(column_chart("t", bars, "T", "D", unit))
    width = float(root.get("viewBox").split()[2])
    labels = [
        (float(t.get("x")), t.text)
        for t in root.iter(f"{SVG}tspan")
        if t.text in {b.label for b in bars}
    ]
    assert len(labels) >= 3
    for x, text in labels:  # whole, and inside the figure
        assert text_width(text) / 2 <= x <= width - text_width(text) / 2
    for (x1, t1), (x2, t2) in zip(labels, labels[1:], strict=False):
        assert x1 + text_width(t1) / 2 < x2 - text_width(t2) / 2
