"""Zaqar API v2 resources."""
