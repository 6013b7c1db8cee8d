"""`zaqar-reference-server` / `python -m zaqarclient.server`: serve the reference server."""

from __future__ import annotations

import argparse
import logging
import sys

from zaqarclient.server.app import App
from zaqarclient.server.config import Config, Token


def parse_token(text: str) -> tuple[str, Token]:
    """`TOKEN=PROJECT[:role,role]` -> (token, Token)."""
    token, sep, rest = text.partition("=")
    if not sep or not token or not rest:
        raise argparse.ArgumentTypeError(f"expected TOKEN=PROJECT[:role,role], got {text!r}")
    project, _, roles = rest.partition(":")
    return token, Token(project, tuple(r for r in roles.split(",") if r))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zaqar-reference-server",
        description="An in-process OpenStack Zaqar server: API v2, and v1.1 unless --no-v1-1.",
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8888,
                        help="port for HTTP and websocket (default 8888; 0 picks a free one)")
    parser.add_argument("--store", default="memory", help="memory (default) or sqlite:PATH")
    parser.add_argument("--signed-url-key", help="secret key for signed URLs")
    parser.add_argument("--strict-policy", action="store_true",
                        help="apply Zaqar's default policy (admin endpoints need X-Roles: admin)")
    parser.add_argument("--require-confirmation", action="store_true",
                        help="webhook subscriptions get a confirmation request and receive "
                             "nothing until confirmed")
    parser.add_argument("--enable-checksum", action="store_true",
                        help="store an MD5 checksum with every message and return it")
    parser.add_argument("--token", action="append", type=parse_token, default=[],
                        metavar="TOKEN=PROJECT[:role,role]",
                        help="accept this X-Auth-Token (repeatable); enables token auth")
    parser.add_argument("--no-admin-mode", action="store_true",
                        help="no /health, /pools or /flavors (admin_mode = False)")
    parser.add_argument("--no-pooling", action="store_true",
                        help="no /pools or /flavors (pooling = False)")
    parser.add_argument("--no-v1-1", action="store_true",
                        help="do not serve /v1.1 (as Zaqar 22 and later, or 21 without "
                             "enable_deprecated_api_versions)")
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
    config = Config(
        admin_mode=not args.no_admin_mode,
        pooling=not args.no_pooling,
        enable_v1_1=not args.no_v1_1,
        strict_policy=args.strict_policy,
        require_confirmation=args.require_confirmation,
        enable_checksum=args.enable_checksum,
        tokens=dict(args.token),
        request_timeout=args.request_timeout,
        idle_timeout=args.idle_timeout,
        max_connections=args.max_connections,
        max_body_size=args.max_body_size,
    )
    if args.signed_url_key:
        config.secret_key = args.signed_url_key
    return config


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    from zaqarclient.server.runner import ServerThread

    app = App(config_from_args(args), store=args.store)
    server = ServerThread(app, args.host, args.port, log_level=args.log_level)
    versions = "v2 and v1.1" if app.config.enable_v1_1 else "v2"
    logging.getLogger("zaqarclient.server").info("serving Zaqar %s on %s", versions, server.url)
    try:
        server.serve_forever()
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
