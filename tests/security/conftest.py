"""Hypothesis profiles of the fuzzers, and the real Zaqar fixtures these tests use.

``ci`` (the default) is derandomized: the same examples on every run, few
enough for the suite's time budget. ``long`` is for local runs:
``pytest tests/security --hypothesis-profile=long`` (``ZAQARCLIENT_FUZZ_EXAMPLES``
examples per fuzz test, default 20000, random seeds).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.support.fixtures import real_zaqar_v1_1_pooling  # noqa: F401 - a fixture

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=250, derandomize=True, deadline=None,
                          database=None, suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=int(os.environ.get("ZAQARCLIENT_FUZZ_EXAMPLES",
                                                                  "20000")),
                          deadline=None, database=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("ZAQARCLIENT_HYPOTHESIS_PROFILE", "ci"))
