"""The playbook file: an ordered list of typed steps, validated before any cluster is touched.

A bad playbook fails with one line naming the file and the line of the offending step, e.g.
`playbooks/x.yaml: line 14: step 3 (quiesce): unknown parameter 'replicas'`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from migrate.errors import InputError
from migrate.models.common import Model

__all__ = ["STEP_TYPES", "PARAMS", "Step", "Playbook", "load_playbook", "parse_playbook", "shipped_playbooks"]


# --- per-type parameters (extra=forbid: a typo is an error, not a silently ignored key) -------
class NoParams(Model):
    pass


class PreflightParams(Model):
    readiness: bool = True  # run the conformance package's target readiness checks when present
    require_velero: Literal["auto", "yes", "no"] = "auto"  # auto = when the engine is velero


class InventoryParams(Model):
    output: str = "inventory.json"  # relative to the run's artifact directory


class PlanParams(Model):
    # passed to migrate.plan.build_plan when the run builds the plan (no --plan)
    target_profile: str | None = None  # default: the playbook's target distro, else upstream kubeadm
    registry_map: dict[str, str] = {}  # source registry -> mirror the target can pull from
    namespace_map: dict[str, str] = {}  # source namespace -> target namespace


class InstallAddonsParams(Model):
    run: bool = False  # False: print the helm commands only; True: run them when helm is present


class AddonsReadyParams(Model):
    timeout: float = 0.0  # seconds to wait for the CRDs to become Established


class BackupParams(Model):
    volumes: Literal["fs", "snapshot", "none"] = "fs"  # velero: fs = --default-volumes-to-fs-backup
    ttl: str | None = None
    storage_location: str | None = None


class PreStageParams(BackupParams):
    existing_resource_policy: Literal["none", "update"] = "update"
    force_conflicts: bool = False  # native: server-side apply with force


class QuiesceParams(Model):
    # DaemonSets are parked with a nodeSelector no node matches (they cannot be scaled)
    kinds: list[Literal["Deployment", "StatefulSet", "ReplicaSet", "CronJob", "DaemonSet"]] = [
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "CronJob",
        "DaemonSet",
    ]


class RestoreParams(Model):
    existing_resource_policy: Literal["none", "update"] = "update"
    force_conflicts: bool = False
    backup_sync_wait: float = 120.0  # seconds to wait for the backup to appear on the target (BSL sync)


class VerifyParams(Model):
    timeout: float = 300.0  # seconds to wait for workloads to become ready
    require_ready: bool = True


class GateParams(Model):
    message: str = ""


class SwitchTrafficParams(GateParams):
    dns: list[str] = []  # names to repoint; default: the hosts of the plan's Ingresses


class FinishParams(Model):
    remove_velero_configmaps: bool = True  # the restore's ConfigMaps on the target are ours to remove


PARAMS: dict[str, type[Model]] = {
    "preflight": PreflightParams,
    "inventory": InventoryParams,
    "plan": PlanParams,
    "install-addons": InstallAddonsParams,
    "addons-ready": AddonsReadyParams,
    "pre-stage": PreStageParams,
    "quiesce": QuiesceParams,
    "final-backup": BackupParams,
    "restore": RestoreParams,
    "verify": VerifyParams,
    "switch-traffic": SwitchTrafficParams,
    "approval": GateParams,
    "finish": FinishParams,
    "cleanup": FinishParams,
}
STEP_TYPES = tuple(PARAMS)


class Step(Model):
    id: str = ""
    type: str
    description: str = ""
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    line: int = Field(default=0, exclude=True)  # where it starts in the file, for messages

    @model_validator(mode="after")
    def _check(self) -> "Step":
        if self.type not in PARAMS:
            raise ValueError(f"unknown step type {self.type!r} (known: {', '.join(STEP_TYPES)})")
        if not self.id:
            self.id = self.type
        PARAMS[self.type].model_validate(self.with_)  # raises with the offending parameter
        return self

    @property
    def params(self) -> Any:
        return PARAMS[self.type].model_validate(self.with_)


class Playbook(Model):
    apiVersion: Literal["distroshift.io/v1"] = "distroshift.io/v1"
    kind: Literal["Playbook"] = "Playbook"
    name: str
    description: str = ""
    source: dict[str, str] = {}  # informative: distro ids
    target: dict[str, str] = {}
    engine: Literal["native", "velero"] = "native"
    namespaces: list[str] = []  # empty = the plan's migrated namespaces
    steps: list[Step]

    @model_validator(mode="after")
    def _unique(self) -> "Playbook":
        seen: set[str] = set()
        for i, s in enumerate(self.steps):
            if s.id in seen:
                raise ValueError(f"step {i + 1}: duplicate step id {s.id!r}")
            seen.add(s.id)
        if not self.steps:
            raise ValueError("a playbook needs at least one step")
        return self

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json(by_alias=True).encode()).hexdigest()


def _node_at(node: yaml.Node, loc: tuple) -> yaml.Node:
    """The deepest YAML node along a pydantic error location (for its line number)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            key = "with" if part == "with_" else part
            nxt = next((v for k, v in node.value if k.value == key), None)
            if nxt is None:
                # an unknown key: point at the key itself
                nxt = next((k for k, _v in node.value if k.value == key), None)
            if nxt is None:
                return node
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def parse_playbook(text: str, path: str = "<playbook>") -> Playbook:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise InputError(f"{where}: not valid YAML ({getattr(e, 'problem', e)})", path=path) from None
    if not isinstance(data, dict) or root is None:
        raise InputError("line 1: a playbook is a YAML mapping with 'name' and 'steps'", path=path)
    steps_node = _node_at(root, ("steps",))
    if isinstance(data.get("steps"), list) and isinstance(steps_node, yaml.SequenceNode):
        for idx, (raw, node) in enumerate(zip(data["steps"], steps_node.value)):
            line = node.start_mark.line + 1
            if not isinstance(raw, dict):
                raise InputError(f"line {line}: step {idx + 1}: a step is a mapping with 'type'", path=path)
            label = raw.get("id") or raw.get("type")
            where = f"step {idx + 1}{f' ({label})' if label else ''}"
            stype = raw.get("type")
            if stype not in PARAMS:
                tnode = _node_at(node, ("type",))
                what = f"unknown step type {stype!r}" if stype else "missing 'type'"
                raise InputError(
                    f"line {tnode.start_mark.line + 1}: {where}: {what} (known: {', '.join(STEP_TYPES)})", path=path
                )
            params = raw.get("with") or {}
            if not isinstance(params, dict):
                raise InputError(f"line {line}: {where}: 'with' must be a mapping of parameters", path=path)
            try:
                PARAMS[stype].model_validate(params)
            except ValidationError as e:
                err = e.errors()[0]
                ploc = tuple(err["loc"])
                pnode = _node_at(node, ("with", *ploc))
                detail = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
                raise InputError(
                    f"line {pnode.start_mark.line + 1}: {where}: parameter {'.'.join(str(x) for x in ploc)!r}: {detail}",
                    path=path,
                ) from None
            raw.setdefault("line", line)
    try:
        return Playbook.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        node = _node_at(root, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        where = ""
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            raw = data["steps"][loc[1]]
            label = raw.get("id") or raw.get("type")
            where = f"step {loc[1] + 1}{f' ({label})' if label else ''}: "
            if loc[2:]:
                where += f"{'.'.join(str(p) for p in loc[2:])}: "
        elif loc:
            where = f"{'.'.join(str(p) for p in loc)}: "
        elif "step " in msg and isinstance(data.get("steps"), list):
            # model-level check naming a step ("step 3: duplicate step id")
            try:
                idx = int(msg.split("step ", 1)[1].split(":", 1)[0]) - 1
                node = steps_node.value[idx]
            except (ValueError, IndexError, AttributeError):
                pass
        raise InputError(f"line {node.start_mark.line + 1}: {where}{msg}", path=path) from None


def shipped_playbooks() -> dict[str, Path]:
    """name -> path of the playbooks shipped in playbooks/playbooks/."""
    import playbooks

    root = Path(playbooks.__file__).parent / "playbooks"
    return {f.stem: f for f in sorted(root.glob("*.yaml"))}


def load_playbook(path: str | Path) -> Playbook:
    """A playbook file, or the name of a shipped one ("generic", "dkp-to-rke2", ...)."""
    p = Path(path)
    if not p.exists() and p.suffix == "" and len(p.parts) == 1:
        shipped = shipped_playbooks()
        if str(p) in shipped:
            p = shipped[str(p)]
        else:
            raise InputError(f"no such file, and no shipped playbook of that name (shipped: {', '.join(shipped)})", path=str(p))
    try:
        text = p.read_text()
    except FileNotFoundError:
        raise InputError("playbook not found", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read playbook ({e})", path=str(p)) from None
    return parse_playbook(text, str(p))
