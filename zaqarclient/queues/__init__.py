"""Zaqar's queues API: the client factory and the per-version resources."""
