"""One module per step type; each exposes run(ctx, step, st) and sets st.status/message/data/actions."""

from __future__ import annotations

import importlib
from typing import Callable

__all__ = ["handler", "MODULES"]

MODULES = {
    "preflight": "preflight",
    "inventory": "inventory",
    "plan": "plan",
    "install-addons": "install_addons",
    "addons-ready": "addons_ready",
    "pre-stage": "pre_stage",
    "quiesce": "quiesce",
    "final-backup": "final_backup",
    "restore": "restore",
    "verify": "verify",
    "switch-traffic": "switch_traffic",
    "approval": "approval",
    "finish": "finish",
    "cleanup": "finish",
}


def handler(step_type: str) -> Callable:
    return importlib.import_module(f"{__name__}.{MODULES[step_type]}").run
