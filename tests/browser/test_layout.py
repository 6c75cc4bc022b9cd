"""What the eye checks, measured in Chromium at a phone's width and a desktop's: a label/value
list keeps its labels in one column and its values in another, however many values a field
has; the header's search box is named by its label.
"""

from __future__ import annotations

import pytest

LIEVIN = "/id/event/2019-12-04-journee-regionale-lievin"
WIDTHS = [390, 1280]

#: The boxes of every field of every label/value list that the page shows (nested lists,
#: inside a value, included): for each list, its fields in order, each a label and values.
FIELD_BOXES = """
const box = e => { const r = e.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
return [...document.querySelectorAll('dl.facts')]
  .filter(dl => dl.getClientRects().length)
  .map(dl => ({
    list: box(dl),
    fields: [...dl.children].map(field => ({
      label: field.querySelector(':scope > dt').textContent.trim(),
      dt: box(field.querySelector(':scope > dt')),
      dds: [...field.querySelectorAll(':scope > dd')].map(box),
    })),
  }));
"""


def several_values(lists: list[dict]) -> list[str]:
    return [f["label"] for dl in lists for f in dl["fields"] if len(f["dds"]) > 1]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_field_with_several_values_keeps_labels_and_values_in_their_columns(open_page, width):
    driver = open_page(LIEVIN, width)
    lists = driver.execute_script(FIELD_BOXES)
    assert "contributeur" in several_values(lists), "the seed's event has several contributors"
    for dl in lists:
        fields = dl["fields"]
        label_column = {round(f["dt"]["left"]) for f in fields}
        value_column = {round(dd["left"]) for f in fields for dd in f["dds"]}
        assert label_column == {round(dl["list"]["left"])}, (
            f"labels leave the label column: {[(f['label'], f['dt']['left']) for f in fields]}"
        )
        assert len(value_column) == 1, f"values leave the value column: {sorted(value_column)}"
        for field, following in zip(fields, fields[1:] + [None], strict=True):
            dt = field["dt"]
            for dd in field["dds"]:
                assert dd["top"] >= dt["bottom"] - 1 or dd["left"] >= dt["right"] - 1, (
                    f"a value of « {field['label']} » is neither below nor right of its label"
                )
                if following is not None:
                    assert dd["bottom"] <= following["dt"]["top"] + 1, (
                        f"a value of « {field['label']} » runs into « {following['label']} »"
                    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_search_box_is_named_by_its_label(open_page, width):
    driver = open_page("/events", width)
    field = driver.find_element("id", "site-search-q")
    label = driver.find_element("css selector", 'label[for="site-search-q"]')
    assert field.accessible_name == label.get_attribute("textContent").strip() == "Rechercher"
    # Hidden from the eye the way that keeps it for assistive technology: in the page, in
    # the accessibility tree, a one-pixel box clipped to nothing.
    box = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); const r = arguments[0].getBoundingClientRect();"
        "return [s.display, s.visibility, s.clipPath, s.clip, r.width, r.height, r.left];",
        label,
    )
    display, visibility, clip_path, clip, w, h, left = box
    assert display != "none" and visibility == "visible"
    assert w <= 1 and h <= 1 and 0 <= left <= width
    assert clip_path == "inset(50%)" or clip.startswith("rect(0")

