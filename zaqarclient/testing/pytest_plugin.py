"""pytest plugin registering zaqarclient's fixtures (filled in by the reference-server work)."""
