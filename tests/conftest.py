"""Settings every test run needs, whichever way pytest is started (make test, CI, a bare pytest)."""

from __future__ import annotations

import os

# Before anything imports aws_cdk: its jsii runtime would print a boxed Node 20 end-of-life banner
# into the test output. The Makefile sets the same; the value names the one silenced major version.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
