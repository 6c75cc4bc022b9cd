"""A syntax error says what the parser expected in words people read, in French and in
English (``service/errors.py``, ``expectations``): Oxigraph's own messages, taken from the
engine, list character classes as lines of Unicode ranges."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from service.errors import EXPECTED_SHOWN, QuerySyntaxError, expectations
from service.store.evaluate import error_position, error_reason


def engine_error(query: str) -> QuerySyntaxError:
    """The error the service gives for what Oxigraph says of ``query``."""
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(query)
    message = str(raised.value)
    return QuerySyntaxError.at(error_reason(message), *error_position(message))


def test_a_missing_object_is_said_in_one_line_of_words():
    error = engine_error("SELECT * WHERE {\n  ?s ?p ")
    assert (error.details["line"], error.details["column"]) == (2, 9)
    # Oxigraph's words stay in the details, for programs; people read the message.
    assert "\\u{00C0}" in error.details["reason"]
    for message in (error.message_fr, error.message_en):
        assert "\n" not in message
        assert "\\u{" not in message and "..=" not in message
    assert "ligne 2, colonne 9 : attendu l'un de : « $ »" in error.message_fr
    assert "« ? »" in error.message_fr and "une lettre" in error.message_fr
    assert "un chiffre" in error.message_fr
    assert 'line 2, column 9: expected one of "$"' in error.message_en
    assert "a letter" in error.message_en and "a digit" in error.message_en


def test_an_undeclared_prefix_and_a_bad_iri_are_named():
    prefix = engine_error("SELECT * { ?x ex:name ?n }")
    assert "un préfixe déclaré" in prefix.message_fr
    assert "a declared prefix" in prefix.message_en
    assert "un caractère de nom" in prefix.message_fr
    iri = engine_error("SELECT * { ?x <http://a b> ?o }")
    assert iri.message_fr.endswith("attendu : une IRI valide")
    assert iri.message_en.endswith("expected a valid IRI")


def test_one_expected_token_is_said_alone():
    error = engine_error("SELECT (COUNT(?x) AS ?n WHERE { ?x ?p ?o }")
    assert error.message_fr.endswith("attendu : « ) »")
    assert error.message_en.endswith('expected ")"')


def test_a_long_list_is_cut_and_its_rest_counted():
    reason = "expected one of " + ", ".join(f'"t{n}"' for n in range(EXPECTED_SHOWN + 7))
    said_fr, said_en = expectations(reason)
    assert said_fr.endswith(f"« t{EXPECTED_SHOWN - 1} », et 7 autres")
    assert said_en.endswith(f'"t{EXPECTED_SHOWN - 1}", and 7 more')


def test_repeats_are_said_once_and_other_reasons_as_they_are():
    assert expectations("expected one of [_], [_]") == (
        "attendu : un caractère",
        "expected a character",
    )
    assert expectations("Unknown function") == ("Unknown function", "Unknown function")
    assert expectations("unexpected character") == ("caractère inattendu", "unexpected character")
