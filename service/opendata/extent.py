"""Where France lies, for the catalog's spatial coverage: its bounding box.

data.gouv.fr's harvester reads a dataset's spatial coverage only from a geometry literal
(WKT or GeoJSON) on its ``dct:Location``; DCAT-AP 3 allows one there as ``dcat:bbox``. The
box is France's as Natural Earth draws it at 1:50m (public domain), from the ``world-atlas``
npm package pinned in ``sources/territories``: metropolitan France, Corsica and the five
overseas départements, hence a box from the Caribbean to the Indian Ocean. It is written
here once; a test recomputes it from the installed package (:func:`bounding_box`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

#: France's bounding box: west, south, east, north, in degrees (CRS84: longitude first),
#: rounded outward to the hundredth.
FRANCE_BBOX: tuple[float, float, float, float] = (-61.8, -21.37, 55.84, 51.1)
#: The Natural Earth name of the country the box is France's.
NATURAL_EARTH_NAME = "France"


def wkt_box(box: tuple[float, float, float, float]) -> str:
    """A bounding box as a WKT polygon (GeoSPARQL's default CRS: longitude, latitude)."""
    west, south, east, north = box
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return "POLYGON((" + ", ".join(f"{x:g} {y:g}" for x, y in corners) + "))"


def bounding_box(topology: dict[str, Any], name: str) -> tuple[float, float, float, float]:
    """The bounding box of the country named ``name`` in a world-atlas TopoJSON file
    (``countries-50m.json``), rounded outward to the hundredth."""
    countries = topology["objects"]["countries"]["geometries"]
    country = next(g for g in countries if g.get("properties", {}).get("name") == name)
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    xs: list[float] = []
    ys: list[float] = []
    for index in set(_arc_indexes(country["arcs"])):
        x = y = 0
        for dx, dy in topology["arcs"][index]:  # quantized, delta-encoded positions
            x, y = x + dx, y + dy
            xs.append(x * scale_x + shift_x)
            ys.append(y * scale_y + shift_y)
    return (
        math.floor(min(xs) * 100) / 100,
        math.floor(min(ys) * 100) / 100,
        math.ceil(max(xs) * 100) / 100,
        math.ceil(max(ys) * 100) / 100,
    )


def _arc_indexes(nested: Any) -> Iterator[int]:
    """Every arc a geometry uses (a negative index ``~i`` is arc ``i`` reversed)."""
    if isinstance(nested, int):
        yield nested if nested >= 0 else ~nested
        return
    for item in nested:
        yield from _arc_indexes(item)


__all__ = ["FRANCE_BBOX", "NATURAL_EARTH_NAME", "bounding_box", "wkt_box"]
