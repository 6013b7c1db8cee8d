"""The dashboard example's test uses the bridge's broker, Notifier and bridge fixtures."""

from tests.support.bridge_fixtures import (  # noqa: F401 - fixtures for test_dashboard
    broker,
    exchange,
    notifier,
    rules_file,
    start_bridge,
)
