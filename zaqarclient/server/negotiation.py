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


def _media_range(item: str) -> tuple[str, str, float, dict[str, str]]:
    """One Accept media range as falcon parses it; ValueError when it is malformed."""
    full, _, rest = item.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";") if rest else ():
        name, equals, value = part.partition("=")
        if equals:
            params[name.strip().lower()] = value.strip()
    full = full.strip()
    if full == "*":
        full = "*/*"
    main, slash, sub = full.partition("/")
    if not slash:
        raise ValueError("The media range value must contain type/subtype.")
    q = 1.0
    if "q" in params:
        q = float(params.pop("q"))  # ValueError for garbage, as falcon
        if not 0.0 <= q <= 1.0:
            raise ValueError("q out of range")
    return main.strip(), sub.strip(), q, params


def _quality(accept: str, media: str) -> float:
    """The q-value of the most specific range of `accept` matching `media` (falcon 4).

    Types compare case-sensitively (`APPLICATION/JSON` does not match), and one
    malformed range makes the whole header unusable (ValueError).
    """
    main, sub = media.split("/")
    best: tuple[int, int, int, float] = (-1, -1, -1, 0.0)
    for item in accept.split(","):
        r_main, r_sub, q, params = _media_range(item)
        if r_main == "*":
            main_score = 0
        elif r_main != main:
            continue
        else:
            main_score = 1
        if r_sub == "*":
            sub_score = 0
        elif r_sub != sub:
            continue
        else:
            sub_score = 1
        # `media` has no parameters: a range with parameters is a less exact match.
        best = max(best, (main_score, sub_score, 0 if params else 1, q))
    return best[-1]


def _safe_quality(accept: str, media: str) -> float:
    try:
        return _quality(accept, media)
    except ValueError:
        return 0.0


def accepts_json(accept: str | None) -> bool:
    """Whether an Accept header admits application/json (missing counts as yes)."""
    return (not accept or accept == JSON_CT or accept == "*/*"
            or _safe_quality(accept, JSON_CT) > 0)


def error_media(accept: str | None) -> str | None:
    """The media type falcon would encode an error in, or None for no body."""
    if not accept:
        return JSON_CT
    json_q = _safe_quality(accept, JSON_CT)
    xml_q, xml_type = max((_safe_quality(accept, t), t) for t in reversed(_XML_TYPES))
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
