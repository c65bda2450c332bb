"""addons-ready: before pre-stage, the CRDs the plan needs (from the add-ons install-addons installs)
are Established on the target. Waits up to `timeout` seconds for them."""

from __future__ import annotations

import time

from migrate.errors import GateFailed
from migrate.playbook.steps import _checks


def run(ctx, step, st) -> None:
    deadline = time.monotonic() + (0 if ctx.dry_run else step.params.timeout)
    while True:
        try:
            st.actions = []
            _checks.addons_ready(ctx, st)
            return
        except GateFailed:
            if time.monotonic() >= deadline:
                raise
            time.sleep(2.0)
