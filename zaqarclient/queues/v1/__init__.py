"""The ``zaqarclient.queues.v1`` import path, kept for guests that still use it.

heat-agents' ``heat-config-notify`` imports ``zaqarclient.queues.v1.client`` and
asks it for ``version=1.1``; python-zaqarclient dropped the package together with
API v1, so those guests broke. Here the path stays and hands out the v1.1 or v2
client; API v1 itself is gone from every Zaqar since Stein and is refused.
"""
