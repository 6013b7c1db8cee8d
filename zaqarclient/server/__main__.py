"""`zaqar-reference-server` / `python -m zaqarclient.server`: serve the reference server."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping
from typing import Any

from zaqarclient.server.app import App
from zaqarclient.server.config import Config, Token
from zaqarclient.server.profiles import DEFAULT_PROFILE, PROFILE_FIELDS, PROFILES, get_profile


def parse_token(text: str) -> tuple[str, Token]:
    """`TOKEN=PROJECT[:role,role]` -> (token, Token)."""
    token, sep, rest = text.partition("=")
    if not sep or not token or not rest:
        raise argparse.ArgumentTypeError(f"expected TOKEN=PROJECT[:role,role], got {text!r}")
    project, _, roles = rest.partition(":")
    return token, Token(project, tuple(r for r in roles.split(",") if r))


def _switch(parser: argparse.ArgumentParser, name: str, what: str) -> None:
    # Default None: the profile decides unless the flag is given either way.
    parser.add_argument(f"--{name}", action=argparse.BooleanOptionalAction, default=None,
                        help=f"{what} (default: as the profile says)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zaqar-reference-server",
        description="An in-process OpenStack Zaqar server (API v2; v1.1 with --profile zaqar-21).",
    )
    parser.add_argument("--profile", choices=list(PROFILES), default=DEFAULT_PROFILE,
                        help="which real Zaqar to behave like: "
                             + "; ".join(f"{p.name}: {p.summary}" for p in PROFILES.values())
                             + f" (default {DEFAULT_PROFILE}); the flags below override it")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8888,
                        help="port for HTTP and websocket (default 8888; 0 picks a free one)")
    parser.add_argument("--store", default="memory", help="memory (default) or sqlite:PATH")
    parser.add_argument("--signed-url-key", help="secret key for signed URLs")
    parser.add_argument("--no-signed-url-key", action="store_true",
                        help="no [signed_url] secret_key: share and signed URLs fail")
    _switch(parser, "strict-policy",
            "apply Zaqar's default policy (health, pools and flavor writes need X-Roles: admin)")
    parser.add_argument("--require-confirmation", action="store_true",
                        help="webhook subscriptions get a confirmation request and receive "
                             "nothing until confirmed")
    parser.add_argument("--enable-checksum", action="store_true",
                        help="store an MD5 checksum with every message and return it")
    parser.add_argument("--token", action="append", type=parse_token, default=[],
                        metavar="TOKEN=PROJECT[:role,role]",
                        help="accept this X-Auth-Token (repeatable); enables token auth")
    _switch(parser, "admin-mode", "serve /health, /pools and /flavors (admin_mode)")
    _switch(parser, "pooling", "serve /pools and /flavors and place queues in pools (pooling)")
    _switch(parser, "virtual-pool",
            "with pooling, keep queues in the default store while no pool is registered "
            "(enable_virtual_pool)")
    _switch(parser, "v1-1", "serve /v1.1 as Zaqar 21 with enable_deprecated_api_versions = 1.1")
    _switch(parser, "notifications",
            "send subscription notifications (message_pipeline = zaqar.notification.notifier)")
    parser.add_argument("--profiler-hmac-key", action="append", default=[], metavar="KEY",
                        help="OSprofiler HMAC key (repeatable): received trace headers signed "
                             "with it are logged and reported as verified")
    parser.add_argument("--report-file", metavar="PATH",
                        help="append state reports (SIGUSR2, GET /v2/report) to this file "
                             "instead of writing them to standard error")
    parser.add_argument("--static", metavar="DIR",
                        help="also serve the files of DIR under /static/ (e.g. the dashboard "
                             "in examples/dashboard)")
    defaults = Config()
    parser.add_argument("--request-timeout", type=float, default=defaults.request_timeout,
                        help="seconds a request may take to arrive, from its first byte "
                             f"(default {defaults.request_timeout:g}; 408 past it)")
    parser.add_argument("--idle-timeout", type=float, default=defaults.idle_timeout,
                        help="seconds a connection may stay silent "
                             f"(default {defaults.idle_timeout:g})")
    parser.add_argument("--max-connections", type=int, default=None,
                        help="open connections before new ones get a 503 (default 1000, "
                             "fewer if the open-files limit is lower)")
    parser.add_argument("--max-body-size", type=int, default=None,
                        help="largest request body in bytes (default: the largest any route "
                             "accepts, 262144; 413 past it)")
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"])
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    overrides: dict[str, Any] = {
        name: value for name, value in (
            ("admin_mode", args.admin_mode),
            ("pooling", args.pooling),
            ("enable_virtual_pool", args.virtual_pool),
            ("enable_v1_1", args.v1_1),
            ("strict_policy", args.strict_policy),
            ("notifications", args.notifications),
        ) if value is not None
    }
    if args.no_signed_url_key:
        overrides["secret_key"] = None
    elif args.signed_url_key:
        overrides["secret_key"] = args.signed_url_key
    return Config(
        profile=args.profile,
        require_confirmation=args.require_confirmation,
        enable_checksum=args.enable_checksum,
        tokens=dict(args.token),
        profiler_hmac_keys=tuple(args.profiler_hmac_key),
        report_file=args.report_file,
        request_timeout=args.request_timeout,
        idle_timeout=args.idle_timeout,
        max_connections=args.max_connections,
        max_body_size=args.max_body_size,
        **overrides,
    )


def describe(config: Config) -> str:
    """One line for the start-up log: the profile and the switches that differ from it."""
    versions = "v2 and v1.1" if config.enable_v1_1 else "v2"
    settings: Mapping[str, object] = get_profile(config.profile).settings
    changed = [
        f"{name}={'<set>' if name == 'secret_key' and value else value}"
        for name in PROFILE_FIELDS
        if (value := getattr(config, name)) != settings[name]
    ]
    return f"Zaqar {versions}, profile {config.profile}" + (
        f" with {', '.join(changed)}" if changed else ""
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    # The serving stack (httptools, websockets) loads after the arguments: --help stays fast.
    from zaqarclient.server.runner import ServerThread

    if args.signed_url_key and args.no_signed_url_key:
        build_parser().error("--signed-url-key and --no-signed-url-key exclude each other")
    if args.static:
        # Static files are an option of their own (mimetypes costs start-up time).
        from zaqarclient.server.static import StaticApp, StaticFiles

        try:
            static = StaticFiles(args.static)
        except ValueError as error:
            build_parser().error(str(error))
        app: App = StaticApp(config_from_args(args), store=args.store, static=static)
    else:
        app = App(config_from_args(args), store=args.store)
    server = ServerThread(app, args.host, args.port, log_level=args.log_level)
    log = logging.getLogger("zaqarclient.server")
    log.info("serving %s on %s", describe(app.config), server.url)
    if not app.config.strict_policy:
        log.warning("no policy checks: every caller may use health, pools and flavors, "
                    "which no real Zaqar allows (its default policy needs role:admin)")
    try:
        server.serve_forever()
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
