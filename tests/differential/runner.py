"""Run a session of steps against one server and record a normalised transcript."""

from __future__ import annotations

import dataclasses
import json
import string
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import requests

from tests.differential.normalize import Normalizer, mask, sort_unordered
from tests.differential.steps import CLIENT_ID, OTHER_CLIENT_ID, UNSET, Step

TIMEOUT = 30.0
RECORD_FIELDS = ("status", "title", "description", "content_type", "location", "allow", "body")


@dataclasses.dataclass
class Record:
    """What one step produced, normalised. ``notes`` is informative, never compared."""

    step: Step
    status: int
    title: Any = None
    description: Any = None
    content_type: str | None = None
    location: str | None = None
    allow: str | None = None
    body: Any = None
    notes: list[str] = dataclasses.field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RECORD_FIELDS}


@dataclasses.dataclass
class Transcript:
    """All records of one session run against one server."""

    url: str
    variables: dict[str, str]
    records: list[Record]


class _Template(string.Formatter):
    """``str.format`` that reports which variable was missing."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"session variable {{{key}}} is not set (did an earlier step fail?)")
        return super().get_value(key, args, kwargs)


_TEMPLATE = _Template()


def fill(value: Any, variables: Mapping[str, str]) -> Any:
    """Fill ``{name}`` templates in strings, recursively in lists and dicts."""
    if isinstance(value, str):
        return _TEMPLATE.vformat(value, (), variables)
    if isinstance(value, list):
        return [fill(v, variables) for v in value]
    if isinstance(value, dict):
        return {fill(k, variables): fill(v, variables) for k, v in value.items()}
    return value


def new_variables(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Fresh per-run variables: a unique project and run token, so runs never collide."""
    run = uuid.uuid4().hex[:8]
    variables = {
        "run": run,
        "project": f"diff-{run}",
        "client": CLIENT_ID,
        "other_client": OTHER_CLIENT_ID,
    }
    variables.update(extra or {})
    return variables


def _send(
    http: requests.Session, base_url: str, s: Step, variables: Mapping[str, str]
) -> requests.Response:
    headers: dict[str, str | None] = {
        "Client-ID": "{client}",
        "X-Project-ID": "{project}",
        # One connection per request, as with the real Zaqar's HTTP/1.0 server; this
        # also sidesteps a 40 ms delayed-ACK stall on keep-alive connections.
        "Connection": "close",
    }
    headers.update(s.headers)
    filled_headers = {k: (None if v is None else fill(v, variables)) for k, v in headers.items()}
    url = base_url.rstrip("/") + fill(s.path, variables)
    if s.query:
        url += "?" + fill(s.query, variables)
    body: bytes | None = None
    if s.json is not UNSET:
        body = json.dumps(fill(s.json, variables)).encode()
        filled_headers.setdefault("Content-Type", "application/json")
    elif s.data is not None:
        body = s.data.encode() if isinstance(s.data, str) else s.data
    request = requests.Request(s.method, url, headers=filled_headers, data=body)
    prepared = http.prepare_request(request)
    for name, value in filled_headers.items():  # None removes a session default
        if value is None:
            prepared.headers.pop(name, None)
    return http.send(prepared, timeout=TIMEOUT, allow_redirects=False)


def _record(s: Step, resp: requests.Response, norm: Normalizer) -> Record:
    content_type = resp.headers.get("Content-Type")
    record = Record(
        step=s,
        status=resp.status_code,
        content_type=content_type.split(";")[0].strip().lower() if content_type else None,
        location=norm.text(resp.headers["Location"]) if "Location" in resp.headers else None,
        allow=resp.headers.get("Allow"),
    )
    if resp.content:
        try:
            body = resp.json()
        except ValueError:
            record.body = {"<text>": norm.text(resp.text)}
        else:
            if isinstance(body, dict):
                record.title = body.get("title")
                description = body.get("description")
                record.description = (
                    norm.text(description) if isinstance(description, str) else description
                )
            record.body = mask(sort_unordered(norm.value(body), s.unordered), s.mask)
    return record


def run_session(
    steps: Sequence[Step],
    base_url: str,
    variables: Mapping[str, str] | None = None,
    literals: Sequence[str] = ("project", "run"),
    unnumbered: Collection[str] = (),
) -> Transcript:
    """Send every step in order to ``base_url`` and record the normalised answers.

    ``literals`` names the variables whose values are replaced by ``<name>`` in the
    transcript (their values differ from run to run). In the steps named by
    ``unnumbered`` (those with deliberate differences) new ids are not numbered.
    """
    variables = dict(variables or new_variables())
    norm = Normalizer(
        {name: variables[name] for name in literals if name in variables},
        keep=(CLIENT_ID, OTHER_CLIENT_ID),
    )
    records: list[Record] = []
    with requests.Session() as http:
        for s in steps:
            try:
                resp = _send(http, base_url, s, variables)
            except KeyError as exc:
                records.append(Record(step=s, status=0, notes=[f"not sent: {exc.args[0]}"]))
                continue
            except requests.RequestException as exc:
                records.append(Record(step=s, status=-1, notes=[f"request failed: {exc}"]))
                continue
            norm.numbering = s.name not in unnumbered
            record = _record(s, resp, norm)
            if s.save is not None:
                saved = s.save(resp)
                if not saved:
                    record.notes.append("saved nothing")
                variables.update(saved)
            records.append(record)
    return Transcript(url=base_url, variables=variables, records=records)
