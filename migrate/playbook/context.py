"""What every step gets: options, clusters, the plan, the state and a way to save it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from migrate.errors import PermanentError
from migrate.execs import Runner, SubprocessRunner
from migrate.models.state import RunState, StepState

__all__ = ["RunOptions", "StepContext", "crash_point", "CRASH_ENV"]

# Test seam: DISTROSHIFT_CRASH_AT=<step-id>:<point> makes the process die (os._exit(137), like
# kill -9) at that point, so tests can prove --resume and --rollback after a crash. Points:
# <step>:start, <step>:end, <step>:apply:<n> (after the n-th object), <step>:recorded (quiesce,
# after the originals are saved), rollback:<n>, rollback:velero:<n> (velero-restored object deletions).
CRASH_ENV = "DISTROSHIFT_CRASH_AT"


def crash_point(point: str) -> None:
    if os.environ.get(CRASH_ENV) == point:
        sys.stdout.flush()
        os._exit(137)


@dataclass
class RunOptions:
    playbook: str
    state: str = "state.json"
    kubeconfig: str | None = None
    source_context: str | None = None
    target_context: str | None = None
    engine: str | None = None  # overrides the playbook's engine
    plan: str | None = None  # plan directory (plan.json + manifests/) or plan.json
    dry_run: bool = False
    resume: bool = False
    rollback: bool = False
    remove_target: bool = False
    yes: bool = False  # approves only the gate the run is waiting at (recorded in the state)
    approve_all: bool = False  # passes every gate (unattended CI runs; must be asked for explicitly)
    velero: str | None = None  # velero binary (default: PATH)
    helm: str | None = None
    velero_namespace: str = "velero"
    wait_timeout: float = 60.0  # CRD/namespace waits of the native engine
    # --registry-map / --namespace-map (old=new): used when the run builds its plan (added to the
    # plan step's own maps; the flags win)
    registry_map: dict[str, str] = field(default_factory=dict)
    namespace_map: dict[str, str] = field(default_factory=dict)


@dataclass
class StepContext:
    options: RunOptions
    state: RunState
    source: Any  # migrate.cluster.ClusterClient (duck-typed here)
    target: Any
    engine: str
    save: Callable[[], None]
    echo: Callable[[str], None] = print
    runner: Runner = field(default_factory=SubprocessRunner)
    namespaces: list[str] = field(default_factory=list)  # playbook's namespace filter
    playbook: Any = None  # migrate.playbook.schema.Playbook (source/target distro ids)
    approved_gate: str | None = None  # the gate --yes approves: the one the run was waiting at
    _plan: Any = None
    _manifests: Any = None
    _final_plan: Any = None
    _final_manifests: Any = None

    @property
    def dry_run(self) -> bool:
        return self.options.dry_run

    @property
    def run_dir(self) -> Path:
        """Where this run writes its artifacts (inventory, plan, readiness, parity), beside the state.
        A dry run gets its own directory so it never overwrites the artifacts of a real run."""
        p = Path(self.options.state)
        return p.parent / f"{p.stem}-{'dry-run' if self.options.dry_run else 'artifacts'}"

    def forget_plan(self) -> None:
        """Drop the cached plan/manifests (after the plan step wrote or chose another one)."""
        self._plan = None
        self._manifests = None
        self._final_plan = None
        self._final_manifests = None

    def plan_path(self) -> Path | None:
        raw = self.options.plan or self.state.plan_dir
        if not raw:
            return None
        p = Path(raw)
        return p if p.suffix == ".json" else p / "plan.json"

    @property
    def plan(self) -> Any:
        if self._plan is None:
            path = self.plan_path()
            if path is None:
                raise PermanentError("this step needs the plan: add a 'plan' step before it, or pass --plan DIR "
                                     "(the output of 'distroshift plan')")
            from migrate.models.io import read_artifact
            from migrate.models.plan import Plan

            self._plan = read_artifact(path, Plan)
        return self._plan

    @property
    def manifests(self) -> list:
        if self._manifests is None:
            from migrate.cutover.native import load_manifests

            path = self.plan_path()
            assert path is not None
            self._manifests = load_manifests(path.parent / self.plan.manifests_dir, self.plan.manifest_order)
        return self._manifests

    def has_plan(self) -> bool:
        return self.plan_path() is not None

    # -- the final plan (built from the quiesced source by final-backup) ---------------------
    def final_plan_path(self) -> Path | None:
        return Path(self.state.final_plan_dir) / "plan.json" if self.state.final_plan_dir else None

    @property
    def final_plan(self) -> Any:
        """The plan of the source as of the final backup; the first plan when none was built."""
        path = self.final_plan_path()
        if path is None:
            return self.plan
        if self._final_plan is None:
            from migrate.models.io import read_artifact
            from migrate.models.plan import Plan

            self._final_plan = read_artifact(path, Plan)
        return self._final_plan

    @property
    def final_manifests(self) -> list:
        path = self.final_plan_path()
        if path is None:
            return self.manifests
        if self._final_manifests is None:
            from migrate.cutover.native import load_manifests

            self._final_manifests = load_manifests(path.parent / self.final_plan.manifests_dir,
                                                   self.final_plan.manifest_order)
        return self._final_manifests

    # -- scope ------------------------------------------------------------------------------
    def source_namespaces(self) -> list[str]:
        if self.namespaces:
            return sorted(self.namespaces)
        if self.has_plan():
            nss = [n.source for n in self.plan.namespaces if n.migrate]
            if nss:
                return sorted(nss)
            return sorted({o.source.namespace for o in self.plan.objects if o.source.namespace and o.decision.value != "Drop"})
        return []

    def namespace_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.has_plan():
            out.update(self.plan.namespace_map)
            for n in self.plan.namespaces:
                if n.source != n.target:
                    out.setdefault(n.source, n.target)
        return {k: v for k, v in out.items() if k != v}

    def target_namespace(self, source_ns: str) -> str:
        return self.namespace_map().get(source_ns, source_ns)

    def step_state(self, step_id: str) -> StepState:
        return self.state.step(step_id)
