"""Real-Zaqar fixtures for the consumer tests."""

from tests.support.fixtures import real_zaqar_v2  # noqa: F401
