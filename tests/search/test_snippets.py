"""What a search page shows of each result (``service/search/text.py``): the words the query
matched marked, however they are written, and of a long description a window around the
first of them."""

from __future__ import annotations

from service.search.text import highlight, query_stems, snippet

#: Forty words, « médiation » only as the 25th and « Médiateurs » as the 31st.
LONG = " ".join(["mot"] * 24 + ["médiation"] + ["texte"] * 5 + ["Médiateurs"] + ["fin"] * 9)


def marked(segments: list[tuple[str, bool]]) -> list[str]:
    return [text for text, hit in segments if hit]


def test_words_are_matched_by_stem_whatever_their_case_and_accents():
    terms, _ = query_stems("MEDIATION")
    segments = highlight("La Médiation sociale, des médiations ; la médiatrice.", terms)
    assert marked(segments) == ["Médiation", "médiations"]
    assert "".join(text for text, _ in segments) == (
        "La Médiation sociale, des médiations ; la médiatrice."
    )


def test_a_long_description_is_cut_around_its_first_match():
    terms, _ = query_stems("médiation")
    segments = snippet(LONG, terms, words=12)
    shown = "".join(text for text, _ in segments)
    # A third of the window before the first match (4 of 12 words), the rest after it.
    assert (
        shown
        == "… "
        + " ".join(["mot"] * 4 + ["médiation"] + ["texte"] * 5 + ["Médiateurs", "fin"])
        + " …"
    )
    assert marked(segments) == ["médiation"]


def test_a_description_without_a_match_shows_its_beginning():
    terms, _ = query_stems("quartiers")
    segments = snippet(LONG, terms, words=12)
    assert "".join(text for text, _ in segments) == " ".join(["mot"] * 12) + " …"
    assert marked(segments) == []


def test_a_short_description_is_shown_whole():
    terms, _ = query_stems("médiateurs")
    segments = snippet(LONG, terms, words=40)
    assert "".join(text for text, _ in segments) == LONG
    assert marked(segments) == ["Médiateurs"]
