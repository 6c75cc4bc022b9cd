"""What the eye checks, measured in Chromium at a phone's width and a desktop's: a label/value
list keeps its labels in one column and its values in another, however many values a field
has; the header's search box is named by its label; the figures' labels are whole and inside
their figure.
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


#: For each figure of the home page: its box, the labels its table lists, and for each bar
#: drawn, its label's words and box and where its bar starts.
FIGURES = """
const box = e => { const r = e.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
return [...document.querySelectorAll('figure')].map(figure => {
  const svg = figure.querySelector('svg');
  return {
    id: svg.id,
    box: box(svg),
    table: [...figure.querySelectorAll('table tbody th')].map(th => th.textContent.trim()),
    labels: [...svg.querySelectorAll('text.label')]
      .map(text => ({words: text.textContent.split(/\\s+/).filter(Boolean).join(' '),
                     box: box(text),
                     bar: text.parentElement.querySelector('rect') &&
                          box(text.parentElement.querySelector('rect'))})),
  };
});
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_are_whole_and_inside_their_figure(open_page, width):
    driver = open_page("/", width)
    figures = driver.execute_script(FIGURES)
    assert len(figures) >= 4
    for figure in figures:
        svg, labels = figure["box"], figure["labels"]
        assert labels, f"{figure['id']} draws no label"
        for label in labels:
            assert label["words"] in figure["table"], f"{label['words']!r} is not a whole label"
            inside = label["box"]
            assert svg["left"] - 0.5 <= inside["left"] and inside["right"] <= svg["right"] + 0.5, (
                f"« {label['words']} » leaves {figure['id']}"
            )
        if figure["id"] != "figure-time":  # bars: every label drawn, left of its bar
            assert [label["words"] for label in labels] == figure["table"]
            for label in labels:
                assert label["box"]["right"] <= label["bar"]["left"], (
                    f"« {label['words']} » runs into its bar"
                )
        else:  # columns: labels under them, never one over the next
            for before, after in zip(labels, labels[1:], strict=False):
                assert before["box"]["right"] < after["box"]["left"]
