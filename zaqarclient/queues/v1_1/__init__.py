"""Zaqar API v1.1 (deprecated upstream, still deployed): the v2 resources with v1.1 semantics."""
