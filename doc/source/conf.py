"""Sphinx configuration for the zaqarclient documentation (builds offline)."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.abspath(os.path.join(HERE, "..", "..")))

from zaqarclient import __version__  # noqa: E402

project = "zaqarclient"
author = "zaqarclient contributors"
copyright = "zaqarclient contributors, Apache-2.0"  # noqa: A001
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "cliff.sphinxext",
]

# No network access at build time: no intersphinx, no remote images.
templates_path: list[str] = []
exclude_patterns = ["_build"]
root_doc = "index"
language = "en"

html_theme = "alabaster"
html_title = f"zaqarclient {release}"
html_static_path: list[str] = []

# Annotations go into the parameter descriptions; unresolved types (the SDK is
# fully annotated with ``from __future__ import annotations``) must not warn.
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_mock_imports: list[str] = []
nitpicky = False
# Inherited docstrings (from requests, for instance) carry references to other
# projects' docs, which cannot resolve offline.
autodoc_inherit_docstrings = False

# The CLI reference: commands are read from the installed entry points.
autoprogram_cliff_application = "openstack"
autoprogram_cliff_ignored = ["--help", "--format", "--column", "--noindent", "--prefix",
                             "--max-width", "--fit-width", "--print-empty", "--sort-column",
                             "--sort-ascending", "--sort-descending", "--quote"]
