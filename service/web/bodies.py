"""Reading a request's body, the same way on every route that takes one: refused with 413
before it is read whole when it is over its limit, decoded as UTF-8 or refused with a
message that says where it broke."""

from __future__ import annotations

from flask import request

from ..errors import BadRequest, PayloadTooLarge, UnsupportedMediaType


def read_body(limit: int, setting: str) -> bytes:
    """The request body, at most ``limit`` bytes (the ``setting`` that sets it is named in
    the 413)."""
    length = request.content_length
    if length is not None and length > limit:
        raise too_large(length, limit, setting)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit, setting)
    return data


def too_large(size: int, limit: int, setting: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Le corps de la requête fait au moins {size} octets ; ce service en accepte au plus "
        f"{limit} (réglage {setting}).",
        f"The request body is at least {size} bytes long; this service accepts at most {limit} "
        f"(setting {setting}).",
        limit=limit,
    )


def utf8_text(data: bytes, what_fr: str, what_en: str) -> str:
    """The body as text: 415 for another declared charset, 400 with the byte where it is not
    UTF-8 (``what_fr``, ``what_en``: what the body is, « la requête », "the query")."""
    charset = (request.mimetype_params.get("charset") or "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(
            f"Encodage {charset} non pris en charge : {what_fr} doit être en UTF-8.",
            f"Encoding {charset} is not supported: {what_en} must be UTF-8.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(
            f"{what_fr[0].upper() + what_fr[1:]} n'est pas de l'UTF-8 valide (octet {error.start}).",
            f"{what_en[0].upper() + what_en[1:]} is not valid UTF-8 (byte {error.start}).",
        ) from None


__all__ = ["read_body", "too_large", "utf8_text"]
