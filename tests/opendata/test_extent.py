"""France's bounding box in the catalog is Natural Earth's, as the pinned ``world-atlas``
package draws it: recomputed here from the installed file, it is the one written down."""

from __future__ import annotations

import json
from pathlib import Path

from service.opendata.extent import FRANCE_BBOX, NATURAL_EARTH_NAME, bounding_box, wkt_box

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "sources" / "territories" / "node_modules" / "world-atlas" / "countries-50m.json"


def test_the_box_written_down_is_the_one_the_pinned_atlas_gives():
    assert ATLAS.is_file(), f"{ATLAS} is missing: npm ci --prefix sources/territories"
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    assert bounding_box(topology, NATURAL_EARTH_NAME) == FRANCE_BBOX
    # Metropolitan France alone would stop at the Atlantic; the box reaches the overseas
    # départements (Guadeloupe to the west, La Réunion to the east and south).
    west, south, east, north = FRANCE_BBOX
    assert west < -60 and east > 55 and south < -21 and 51 < north < 52


def test_a_box_is_a_closed_wkt_polygon_longitude_first():
    assert wkt_box((1.5, 2.0, 3.25, 4.0)) == "POLYGON((1.5 2, 3.25 2, 3.25 4, 1.5 4, 1.5 2))"
