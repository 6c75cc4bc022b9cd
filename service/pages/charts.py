"""Figures drawn by the service itself: inline SVG, no outside service, no JavaScript.

Each figure is a list of :class:`Bar` (a label, a count and the address of the
list behind it) drawn as bars that are links. Accessibility: the SVG carries a
``<title>`` and a ``<desc>`` (named by ``aria-labelledby``), each bar is a link
with its own ``<title>`` and ``aria-label`` ("Pas-de-Calais : 7 événements"),
and the page shows the same figures as a table (the text alternative).

Every text and address is escaped here, where the markup is made: a label
holding ``</svg>`` or ``<script>`` is text, never markup. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

#: Colours: a blue that keeps a contrast of 7:1 with the white text and the page.
BAR = "#1f5f99"
BAR_ACTIVE = "#0d3b66"
INK = "#1a1a1a"
GRID = "#c8c8c8"

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px"
#: Average advance of a character at 13px, to fit labels (SVG cannot measure text).
CHAR_WIDTH = 7.6


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


def _fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels (estimated)."""
    most = max(4, int(width / CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _style(ident: str) -> str:
    return (
        f"<style>#{ident} a:hover rect,#{ident} a:focus rect{{fill:{BAR_ACTIVE}}}"
        f"#{ident} a:focus{{outline:2px solid {BAR_ACTIVE}}}</style>"
    )


def _open(ident: str, width: int, height: int, title: str, description: str, lang: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_e(ident)}" class="figure-svg" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{_e(ident)}-title {_e(ident)}-desc"{_lang(lang)} style="{FONT};max-width:{width}px">'
        f'<title id="{_e(ident)}-title">{_e(title)}</title>'
        f'<desc id="{_e(ident)}-desc">{_e(description)}</desc>' + _style(_e(ident))
    )


def bar_chart(
    ident: str,
    bars: list[Bar],
    title: str,
    description: str,
    unit: Callable[[int], str],
    lang: str = "fr",
    width: int = 640,
) -> str:
    """Horizontal bars, one per row, longest first as given; each bar links to its list.

    ``unit(count)`` says a count in words ("7 événements"), for the bars' titles.
    """
    row, bar_height, top = 28, 18, 6
    label_width = min(
        280, max(90, int(max((len(b.label) for b in bars), default=10) * CHAR_WIDTH) + 12)
    )
    value_room = 56
    plot = width - label_width - value_room
    height = top * 2 + row * max(1, len(bars))
    highest = max((b.value for b in bars), default=0) or 1
    parts = [_open(ident, width, height, title, description, lang)]
    for position, bar in enumerate(bars):
        y = top + position * row
        length = max(2.0, plot * bar.value / highest) if bar.value else 0.0
        said = f"{bar.label} : {unit(bar.value)}"
        parts.append(
            f'<a href="{_e(bar.href)}" aria-label="{_e(said)}">'
            f"<title>{_e(said)}</title>"
            f'<text x="{label_width - 8}" y="{y + bar_height - 4}" text-anchor="end" fill="{INK}"'
            f"{_lang(bar.lang)}>{_e(_fit(bar.label, label_width - 12))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{BAR}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height - 4}" fill="{INK}">'
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
    width: int = 640,
    height: int = 240,
) -> str:
    """Columns over time, oldest first as given; each column links to its list."""
    left, right, top, bottom = 36, 8, 24, 44
    plot_width = width - left - right
    plot_height = height - top - bottom
    count = max(1, len(bars))
    slot = plot_width / count
    column = min(56.0, slot * 0.72)
    highest = max((b.value for b in bars), default=0) or 1
    # Label every n-th column so that labels never overlap.
    widest = max((len(b.label) for b in bars), default=4) * CHAR_WIDTH + 8
    every = max(1, int(widest // slot) + (1 if widest % slot else 0))
    parts = [_open(ident, width, height, title, description, lang)]
    base_y = top + plot_height
    parts.append(
        f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="{GRID}"/>'
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="{GRID}" '
        f'stroke-dasharray="3 3"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{INK}">{highest}</text>'
        f'<text x="{left - 6}" y="{base_y}" text-anchor="end" fill="{INK}">0</text>'
    )
    for position, bar in enumerate(bars):
        x = left + position * slot + (slot - column) / 2
        tall = plot_height * bar.value / highest if bar.value else 0.0
        if bar.value and tall < 2:
            tall = 2.0
        said = f"{bar.label} : {unit(bar.value)}"
        label = ""
        if position % every == 0:
            label = (
                f'<text x="{x + column / 2:.1f}" y="{base_y + 18}" text-anchor="middle" '
                f'fill="{INK}"{_lang(bar.lang)}>{_e(bar.label)}</text>'
            )
        value = ""
        if bar.value:
            value = (
                f'<text x="{x + column / 2:.1f}" y="{base_y - tall - 4:.1f}" '
                f'text-anchor="middle" fill="{INK}">{bar.value}</text>'
            )
        if not bar.value:  # an empty period: a label on the axis, nothing to follow
            parts.append(label)
            continue
        parts.append(
            f'<a href="{_e(bar.href)}" aria-label="{_e(said)}"><title>{_e(said)}</title>'
            f'<rect x="{x:.1f}" y="{base_y - tall:.1f}" width="{column:.1f}" height="{tall:.1f}" '
            f'fill="{BAR}"/>{value}{label}</a>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["Bar", "Figure", "bar_chart", "column_chart"]
