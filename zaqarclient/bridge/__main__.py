"""``python -m zaqarclient.bridge``: the notification bridge command."""

import sys

from zaqarclient.bridge.cli import main

sys.exit(main())
