"""Local signing and verification of pre-signed URLs: the project is never optional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from zaqarclient import errors
from zaqarclient.auth import signed_url as signer


def test_sign_requires_a_project() -> None:
    with pytest.raises(TypeError):
        signer.sign("k", "q")  # type: ignore[call-arg]
    for missing in (None, ""):
        with pytest.raises(errors.ConfigurationError, match="project"):
            signer.sign("k", "q", project=missing)  # type: ignore[arg-type]


def _doc(expires: datetime) -> signer.SignedURL:
    return signer.sign("k", "q", project="p1", expires=expires)


def _verify(doc: signer.SignedURL, **overrides: object) -> bool:
    fields: dict[str, object] = {
        "paths": doc.paths, "methods": doc.methods, "project": "p1",
        "expires": doc.expires, "signature_value": doc.signature,
    }
    fields.update(overrides)
    return signer.verify("k", **fields)  # type: ignore[arg-type]


def test_aware_now_is_converted_not_stripped() -> None:
    doc = _doc(datetime.now(UTC) - timedelta(hours=5))  # expired five hours ago
    hawaii = timezone(timedelta(hours=-10))
    assert not _verify(doc, now=datetime.now(hawaii))
    assert not _verify(doc, now=datetime.now(UTC))
    fresh = _doc(datetime.now(UTC) + timedelta(hours=1))
    assert _verify(fresh, now=datetime.now(timezone(timedelta(hours=9))))
    assert _verify(fresh, now=datetime.now(UTC).replace(tzinfo=None))  # naive means UTC


def test_missing_signature_or_project_is_not_valid() -> None:
    doc = _doc(datetime.now(UTC) + timedelta(hours=1))
    assert _verify(doc)
    assert not _verify(doc, signature_value=None)
    assert not _verify(doc, signature_value="\u00e9" * 64)
    assert not _verify(doc, project=None)
    # A URL signed for no project (Zaqar's text "None") never verifies here.
    stamp = doc.expires
    none_sig = signer.signature("k", doc.paths, doc.methods, None, stamp)
    assert not _verify(doc, project=None, signature_value=none_sig)
