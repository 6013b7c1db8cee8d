"""The zaqarclient-bench command line: defaults, validation with clear messages."""

from __future__ import annotations

import pytest

from zaqarclient.bench.runner import split
from zaqarclient.bench.settings import Settings, build_parser, settings_from_args


def parse(*argv: str) -> Settings:
    parser = build_parser()
    return settings_from_args(parser.parse_args(list(argv)), parser)


def test_defaults() -> None:
    settings = parse("--url", "http://127.0.0.1:8888/")
    assert settings.url == "http://127.0.0.1:8888"
    assert settings.workers == {"producer": 1, "consumer": 1, "observer": 0, "subscriber": 0}
    assert settings.duration == 10.0
    assert settings.transport == "http"
    assert settings.subscriber_url == "ws://127.0.0.1:8888"
    assert settings.queue_names == [f"zaqarclient-bench-{i}" for i in range(4)]
    assert settings.conf == {
        "auth_opts": {"backend": "noauth", "options": {"os_project_id": "zaqarclient-bench"}},
        "retries": 0,
    }


def test_message_count_mode_and_websocket_url() -> None:
    settings = parse("--url", "ws://h:9000", "--messages", "500", "--consumers", "0",
                     "--auth-opts", '{"backend": "keystone", "options": {"os_auth_token": "t"}}')
    assert (settings.messages, settings.duration, settings.transport) == (500, 300.0, "websocket")
    assert settings.conf["auth_opts"]["backend"] == "keystone"
    assert settings.list_claimed
    assert not parse("--url", "http://h", "--no-list-claimed").list_claimed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--url", "ftp://x"], "is not a Zaqar URL"),
        (["--url", "http://h", "--producers", "0", "--consumers", "0"], "nothing to run"),
        (["--url", "http://h", "--claim-size", "21"], "--claim-size may be at most 20"),
        (["--url", "http://h", "--claim-ttl", "30"], "--claim-ttl must be at least 60"),
        (["--url", "http://h", "--messages", "5", "--producers", "0"], "needs at least one"),
        (["--url", "http://h", "--duration", "0"], "must be more than 0 seconds"),
        (["--url", "http://h", "--auth-opts", "[1]"], "--auth-opts must be a JSON object"),
        (["--url", "https://h", "--subscribers", "1"], "subscribers need --ws-url"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse(*argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_split_spreads_work_evenly() -> None:
    assert split(10, 3) == [4, 3, 3]
    assert split(2, 4) == [1, 1, 0, 0]
    assert split(5, 0) == []
