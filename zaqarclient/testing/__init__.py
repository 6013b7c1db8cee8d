"""Test helpers: the reference server as a context manager and pytest fixtures."""
