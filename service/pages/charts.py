"""Figures drawn by the service itself: inline SVG, no outside service, no JavaScript.

Each figure is a list of :class:`Bar` (a label, a count and the address of the
list behind it) drawn as bars that are links. Accessibility: the SVG carries a
``<title>`` and a ``<desc>`` (named by ``aria-labelledby``), each bar is a link
with its own ``<title>`` and ``aria-label`` ("Pas-de-Calais : 7 événements")
that begins with the words the bar shows, and the page shows the same figures
as a table (the text alternative).

Labels are never cut: SVG cannot measure text, so the layout measures it here
(:func:`text_width`) and gives a label the room it needs, wrapping it onto
lines where the room is not there.

Every text and address is escaped here, where the markup is made: a label
holding ``</svg>`` or ``<script>`` is text, never markup. No Flask here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

#: Colours: a blue that keeps a contrast of 7:1 with the white text and the page.
BAR = "#1f5f99"
BAR_ACTIVE = "#0d3b66"
INK = "#1a1a1a"
GRID = "#c8c8c8"

FONT_SIZE = 13
LINE = 16  # the distance between two lines of a label
#: The figures' font, as SVG presentation attributes: a page's Content-Security-Policy allows no
#: ``style`` attribute or element of its own, so the hover and focus colours (``BAR_ACTIVE``)
#: and the width at most ``FIGURE_WIDTH`` are in ``site.css`` (``.figure-svg``).
FONT = (
    f'font-family="system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif" font-size="{FONT_SIZE}"'
)
#: The figures' width: a phone 390 px wide shows them at three quarters of their size (text
#: near 10 px; at 640 it was 7 px), a desktop at their size.
FIGURE_WIDTH = 480
#: The share of a bar chart's width its labels may take before they wrap.
LABELS_SHARE = 0.6

#: Advances of the printable ASCII characters in thousandths of an em, measured in Chromium in
#: DejaVu Sans (the sans-serif of Debian and most Linux systems): it is the widest of the fonts
#: ``system-ui`` resolves to (Segoe UI, San Francisco and Roboto are narrower), so a label
#: measured with it fits in them too.
_ADVANCES = {
    275: "'", 278: "ijl", 295: "IJ", 318: " ,.", 337: "/:;\\|", 352: "f", 361: "-",
    390: "()[]", 392: "t", 401: "!", 411: "r", 460: '"', 500: "*_`", 521: "s", 525: "z",
    531: "?", 550: "c", 557: "L", 575: "F", 579: "k", 592: "vxy", 603: "P", 611: "TY",
    612: "o", 613: "a", 615: "e", 632: "E", 634: "hnu", 635: "Sbdgpq", 636: "$0123456789{}",
    656: "K", 684: "AV", 685: "XZ", 686: "B", 695: "R", 698: "C", 732: "U", 748: "N",
    752: "H", 770: "D", 775: "G", 780: "&", 787: "OQ", 818: "w", 838: "#+<=>^~", 863: "M",
    950: "%", 974: "m", 989: "W", 1000: "@—…",
}  # fmt: skip
_ADVANCE = {char: width / 1000 for width, chars in _ADVANCES.items() for char in chars}
_ADVANCE.update({"’": 0.318, "«": 0.612, "»": 0.612, "–": 0.5, "œ": 1.023, "æ": 0.995})


def _advance(char: str) -> float:
    """One character's advance in ems: an accented letter as its letter, a wide (East Asian)
    character as a square, any other as a wide Latin letter."""
    if char in _ADVANCE:
        return _ADVANCE[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base in _ADVANCE:
        return _ADVANCE[base]
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.75


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width in pixels of ``text`` set at ``size`` pixels, as wide as it is in the widest
    usual system font."""
    return sum(_advance(char) for char in text) * size


def wrap_label(text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` pixels, broken between words; a word longer than
    a line is broken inside. No character is left out."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # a word that fits no line: break it where the line ends
            if line and text_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str
    lang: str = ""  # language of the label ("" for names that are in no language)


@dataclass(frozen=True)
class Figure:
    """What a page shows: the SVG, and the same facts for its table."""

    key: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    svg: str
    note: str = ""
    more_href: str = ""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _lang(lang: str) -> str:
    return f' lang="{_e(lang)}"' if lang else ""


def _open(ident: str, width: int, height: int, title: str, description: str, lang: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_e(ident)}" class="figure-svg" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{_e(ident)}-title {_e(ident)}-desc"{_lang(lang)} {FONT}>'
        f'<title id="{_e(ident)}-title">{_e(title)}</title>'
        f'<desc id="{_e(ident)}-desc">{_e(description)}</desc>'
    )


def _label(x: float, y: float, lines: list[str], anchor: str, lang: str) -> str:
    """A label's text, one ``tspan`` a line; the space between two lines stays in the text, so
    that the label reads (and is named) as the words it is."""
    spans = " ".join(
        f'<tspan x="{x:.1f}" y="{y + n * LINE:.1f}">{_e(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text class="label" text-anchor="{anchor}" fill="{INK}"{_lang(lang)}>{spans}</text>'


def bar_chart(
    ident: str,
    bars: list[Bar],
    title: str,
    description: str,
    unit: Callable[[int], str],
    lang: str = "fr",
    width: int = FIGURE_WIDTH,
) -> str:
    """Horizontal bars, one per row, longest first as given; each bar links to its list.

    The labels' column is as wide as the widest label, up to ``LABELS_SHARE`` of the figure;
    a label wider than that wraps onto as many lines as it needs, and its row grows with it.
    ``unit(count)`` says a count in words ("7 événements"), for the bars' titles.
    """
    bar_height, gap, top, pad = 18, 10, 6, 8
    label_room = min(
        width * LABELS_SHARE, max((text_width(b.label) for b in bars), default=0.0) + 1
    )
    value_room = max((text_width(str(b.value)) for b in bars), default=0.0) + 2 * pad
    start = label_room + pad
    plot = width - start - value_room
    highest = max((b.value for b in bars), default=0) or 1
    rows, y = [], top
    for bar in bars:
        lines = wrap_label(bar.label, label_room)
        rows.append((bar, lines, y))
        y += max(bar_height, (len(lines) - 1) * LINE + bar_height) + gap
    height = y - gap + top if bars else 2 * top + bar_height
    parts = [_open(ident, width, height, title, description, lang)]
    # A space between the label and the count, which SVG does not draw: the text a bar shows
    # reads « Pas-de-Calais 7 », the start of its name « Pas-de-Calais : 7 événements »
    # (WCAG 2.5.3, label in name).
    for bar, lines, y in rows:
        length = max(2.0, plot * bar.value / highest) if bar.value else 0.0
        said = f"{bar.label} : {unit(bar.value)}"
        baseline = y + bar_height - 5
        parts.append(
            f'<a href="{_e(bar.href)}" aria-label="{_e(said)}">'
            f"<title>{_e(said)}</title>"
            + _label(label_room, baseline, lines, "end", bar.lang)
            + f' <rect x="{start:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{BAR}"/>'
            f' <text x="{start + length + 6:.1f}" y="{baseline}" fill="{INK}">'
            f"{bar.value}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    ident: str,
    bars: list[Bar],
    title: str,
    description: str,
    unit: Callable[[int], str],
    lang: str = "fr",
    width: int = FIGURE_WIDTH,
    height: int = 240,
) -> str:
    """Columns over time, oldest first as given; each column links to its list.

    Labels are written under every column, or every second, third… when they would overlap,
    each whole and kept inside the figure.
    """
    highest = max((b.value for b in bars), default=0) or 1
    left, right, top, bottom = text_width(str(highest)) + 12, 8, 24, 44
    plot_width = width - left - right
    plot_height = height - top - bottom
    count = max(1, len(bars))
    slot = plot_width / count
    column = min(56.0, slot * 0.72)
    widest = max((text_width(b.label) for b in bars), default=0.0) + 8
    every = max(1, -int(-widest // slot))  # labels never overlap
    parts = [_open(ident, width, height, title, description, lang)]
    base_y = top + plot_height
    parts.append(
        f'<line x1="{left:.1f}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="{GRID}"/>'
        f'<line x1="{left:.1f}" y1="{top}" x2="{width - right}" y2="{top}" stroke="{GRID}" '
        f'stroke-dasharray="3 3"/>'
        f'<text x="{left - 6:.1f}" y="{top + 4}" text-anchor="end" fill="{INK}">{highest}</text>'
        f'<text x="{left - 6:.1f}" y="{base_y}" text-anchor="end" fill="{INK}">0</text>'
    )
    for position, bar in enumerate(bars):
        x = left + position * slot + (slot - column) / 2
        tall = plot_height * bar.value / highest if bar.value else 0.0
        if bar.value and tall < 2:
            tall = 2.0
        said = f"{bar.label} : {unit(bar.value)}"
        label = ""
        if position % every == 0:
            half = text_width(bar.label) / 2 + 1
            middle = min(max(x + column / 2, half), width - half)  # inside the figure
            label = _label(middle, base_y + 18, [bar.label], "middle", bar.lang)
        if not bar.value:  # an empty period: a label on the axis, nothing to follow
            parts.append(label)
            continue
        # The label, a space, the count: the link's name (« nov. 2019 : 1 événement ») begins
        # with the words it shows, in their order, as WCAG 2.5.3 (label in name) asks.
        parts.append(
            f'<a href="{_e(bar.href)}" aria-label="{_e(said)}"><title>{_e(said)}</title>'
            f'<rect x="{x:.1f}" y="{base_y - tall:.1f}" width="{column:.1f}" height="{tall:.1f}" '
            f'fill="{BAR}"/>{label} '
            f'<text x="{x + column / 2:.1f}" y="{base_y - tall - 4:.1f}" '
            f'text-anchor="middle" fill="{INK}">{bar.value}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["Bar", "Figure", "bar_chart", "column_chart", "text_width", "wrap_label"]
