"""Packaging for zaqarclient: the SDK, the OpenStackClient plugin and the reference server."""

import runpy

from setuptools import find_packages, setup

# The CLI plugin's entry points live beside its code (stdlib-only module).
CLI_ENTRY_POINTS = runpy.run_path("zaqarclient/osc/entry_points.py")["ENTRY_POINTS"]

# Upper bounds at the next major where the SDK leans on a library's behaviour:
# urllib3 (the HTTP transport's pool, timeouts and exceptions), requests (mounted
# adapters and the pzc-style session), keystoneauth1 (the auth flow), websockets
# (the websocket transport frames with its sans-I/O ClientProtocol).
WEBSOCKET = ["websockets>=14,<18", "msgpack>=1.0"]
# google-re2 evaluates the queue listing's user-supplied `name` regex in linear time.
# httptools (HTTP parsing) and websockets (its sans-I/O ServerProtocol frames the
# websocket API) carry the server's behaviour on the wire: capped below their next major.
SERVER = ["httptools>=0.6,<1", "websockets>=13,<18", "msgpack>=1.0", "google-re2>=1.1"]
CLI = ["osc-lib>=2.1.0", "cliff>=4.0"]
# The asyncio API: aiohttp for HTTP (picked by measurement, benchmarks/aio_http_libs.py),
# websockets for ws:// (its asyncio client; the frame codec comes with the websocket extra).
AIO = ["aiohttp>=3.10", *WEBSOCKET]
# State report (oslo.reports) and tracing (osprofiler): imported only when used.
OPERATOR = ["oslo.reports>=3.0", "osprofiler>=3.4"]
# The notification bridge: oslo.messaging's listener (RabbitMQ through kombu), YAML rules.
BRIDGE = ["oslo.messaging>=14.0", "PyYAML>=6.0"]
TEST = [
    "pytest>=8",
    # An independent websocket client for the server's tests (and TripleO's own calls).
    "websocket-client>=1.6,<2",
    "pytest-xdist>=3.5",
    "requests-mock>=1.11",
    "ruff>=0.5",
    "mypy>=1.10",
    "types-requests",
    "trustme>=1.0",
    "python-openstackclient>=6.0",
    # python-zaqarclient 4.7.0's functional suite (run with this package) is testtools-based.
    "testtools>=2.5",
    "fixtures>=4.0",
    "types-PyYAML",
    "hypothesis>=6.100",
]
DOCS = ["sphinx>=7", *CLI]

setup(
    name="zaqarclient",
    version="0.1.0",
    description="Python SDK, OpenStackClient plugin and reference server for OpenStack Zaqar",
    long_description=open("README.rst", encoding="utf-8").read(),
    long_description_content_type="text/x-rst",
    license="Apache-2.0",
    python_requires=">=3.11",
    packages=find_packages(include=["zaqarclient", "zaqarclient.*"]),
    package_data={"zaqarclient": ["py.typed"]},
    install_requires=["requests>=2.28,<3", "urllib3>=2.0,<3", "keystoneauth1>=5.0,<6"],
    extras_require={
        "websocket": WEBSOCKET,
        "server": SERVER,
        "cli": CLI,
        "operator": OPERATOR,
        "bridge": BRIDGE,
        "aio": AIO,
        "test": TEST + SERVER + WEBSOCKET + CLI + OPERATOR + BRIDGE + AIO,
        "docs": DOCS,
    },
    entry_points={
        "console_scripts": [
            "zaqar-reference-server = zaqarclient.server.__main__:main",
            "zaqarclient-bench = zaqarclient.bench.__main__:main",
            "zaqar-notification-bridge = zaqarclient.bridge.cli:main",
        ],
        "pytest11": ["zaqarclient = zaqarclient.testing.pytest_plugin"],
        **CLI_ENTRY_POINTS,
    },
    classifiers=[
        "License :: OSI Approved :: Apache Software License",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Typing :: Typed",
    ],
)
