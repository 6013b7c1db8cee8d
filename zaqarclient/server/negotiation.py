"""Content negotiation as falcon does it: the Accept check and how error bodies are encoded.

falcon encodes an error as JSON or XML, whichever the client's Accept prefers;
when the client accepts neither (say `Accept: text/html`) the error has no body.
Every answer but 204 and 304 carries falcon's default `application/json` type,
even with an empty body.
"""

from __future__ import annotations

from zaqarclient.server.protocol import JSON_CT, HTTPError, ServerResponse, dumps

_XML_TYPES = ("text/xml", "application/xml")
_TYPELESS = frozenset((204, 304))
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """XML character data escaping (xml.sax.saxutils would import urllib.request: ~20 ms)."""
    return text.translate(_XML_ESCAPES)


def _quality(accept: str, media: str) -> float:
    """The q-value the Accept header gives `media` (best matching range; 0 if none)."""
    main = media.split("/")[0]
    best = -1
    quality = 0.0
    for item in accept.split(","):
        rng, _, params = item.strip().partition(";")
        rng = rng.strip().lower()
        if rng == media:
            fitness = 2
        elif rng == f"{main}/*":
            fitness = 1
        elif rng in ("*/*", "*"):
            fitness = 0
        else:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if fitness > best:
            best, quality = fitness, q
    return quality


def accepts_json(accept: str | None) -> bool:
    """Whether an Accept header admits application/json (missing counts as yes)."""
    return not accept or _quality(accept, JSON_CT) > 0


def error_media(accept: str | None) -> str | None:
    """The media type falcon would encode an error in, or None for no body."""
    if not accept:
        return JSON_CT
    json_q = _quality(accept, JSON_CT)
    xml_q, xml_type = max((_quality(accept, t), t) for t in reversed(_XML_TYPES))
    if json_q > 0 and json_q >= xml_q:
        return JSON_CT
    if xml_q > 0:
        return xml_type
    lowered = accept.lower()
    if "+json" in lowered:
        return JSON_CT
    if "+xml" in lowered:
        return "application/xml"
    return None


def _xml(err: HTTPError) -> bytes:
    parts = [f"<title>{escape(err.title)}</title>"]
    if err.description is not None:
        parts.append(f"<description>{escape(err.description)}</description>")
    link = (err.extra or {}).get("link")
    if isinstance(link, dict):
        inner = "".join(f"<{k}>{escape(str(link[k]))}</{k}>" for k in ("text", "href", "rel"))
        parts.append(f"<link>{inner}</link>")
    return ('<?xml version="1.0" encoding="UTF-8"?><error>' + "".join(parts) + "</error>").encode()


def error_response(err: HTTPError, accept: str | None) -> ServerResponse:
    """An HTTPError encoded for the client's Accept header."""
    media = error_media(accept)
    headers = [("content-type", media or JSON_CT), *err.headers, ("vary", "Accept")]
    if media is None:
        body = b""
    elif media == JSON_CT:
        body = dumps(err.document())
    else:
        body = _xml(err)
    return ServerResponse(err.status, headers, body)


def add_default_type(resp: ServerResponse) -> None:
    """Give `resp` falcon's default content type unless its status is bodiless."""
    if resp.status not in _TYPELESS and resp.header("content-type") is None:
        resp.headers.insert(0, ("content-type", JSON_CT))
