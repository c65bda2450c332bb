"""The run state (state.json): what a playbook run has done, so it can resume and roll back.

Written atomically at the start and end of every step (and before every object the run creates),
so a crash or Ctrl-C leaves a file that `--resume` and `--rollback` accept.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Literal

from pydantic import Field

from migrate.models.common import ArtifactHeader, Model, header_for, now_utc

__all__ = [
    "StepStatus",
    "RunStatus",
    "StepState",
    "WorkloadRecord",
    "AppliedObject",
    "RollbackState",
    "RunEvent",
    "RunState",
]


class StepStatus(str, Enum):
    Pending = "Pending"
    Running = "Running"  # started; a crash here means "re-run it (steps are idempotent)"
    Completed = "Completed"
    Skipped = "Skipped"  # not applicable (e.g. install-addons with nothing to install); says why
    WaitingApproval = "WaitingApproval"  # a gate: re-run with --resume --yes
    Failed = "Failed"


class RunStatus(str, Enum):
    Running = "Running"
    Interrupted = "Interrupted"
    WaitingApproval = "WaitingApproval"
    Failed = "Failed"
    Completed = "Completed"
    RollingBack = "RollingBack"
    RolledBack = "RolledBack"


class StepState(Model):
    id: str
    type: str
    status: StepStatus = StepStatus.Pending
    attempts: int = 0
    started_at: str | None = None
    finished_at: str | None = None
    message: str = ""
    # step-specific facts: velero backup/restore names and phases, counts, artifact paths ...
    data: dict[str, Any] = {}
    actions: list[str] = []  # what was (or, in a dry run, would be) done, human readable


class WorkloadRecord(Model):
    """A source workload as it was before quiesce, so rollback can put it back exactly."""

    api_version: str
    kind: str  # Deployment | StatefulSet | ReplicaSet | CronJob | DaemonSet
    namespace: str
    name: str
    replicas: int | None = None  # Deployment/StatefulSet/ReplicaSet spec.replicas
    suspend: bool | None = None  # CronJob spec.suspend
    # DaemonSet spec.template.spec.nodeSelector before quiesce (None: it had none). DaemonSets
    # cannot be scaled: quiesce adds a selector no node matches, rollback puts this one back.
    node_selector: dict[str, str] | None = None
    quiesced: bool = False  # the scale-down/suspend was sent
    restored: bool = False  # rollback put it back

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


class AppliedObject(Model):
    """An object the run applied to the target."""

    api_version: str
    kind: str
    name: str
    namespace: str | None = None
    created: bool  # absent before the run: `--rollback --remove-target` deletes only these
    step: str = ""
    removed: bool = False

    @property
    def key(self) -> str:
        grp = self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else ""
        return f"{grp}/{self.kind}/{self.namespace or ''}/{self.name}"


class RollbackState(Model):
    started_at: str = Field(default_factory=now_utc)
    finished_at: str | None = None
    remove_target: bool = False
    actions: list[str] = []


class RunEvent(Model):
    at: str = Field(default_factory=now_utc)
    step: str = ""
    message: str


class RunState(Model):
    ARTIFACT_KIND: ClassVar[str] = "RunState"
    header: ArtifactHeader = Field(default_factory=header_for("RunState"))
    run_id: str
    playbook: str  # path as given
    playbook_name: str
    playbook_digest: str  # sha256 of the validated playbook; a state from another playbook is refused
    engine: Literal["native", "velero"]
    source_context: str | None = None
    target_context: str | None = None
    # kube-system namespace uids seen when the run started: a resume against other clusters is refused
    source_uid: str | None = None
    target_uid: str | None = None
    plan_dir: str | None = None  # --plan, or the plan this run built (recorded only when it had no blockers)
    inventory_path: str | None = None  # the inventory this run collected (beside the state file)
    # after quiesce: a fresh inventory and plan of the quiesced source (same target and maps), which
    # the final restore applies and the final verify checks, so changes made after planning are kept
    final_inventory_path: str | None = None
    final_plan_dir: str | None = None
    dry_run: bool = False
    status: RunStatus = RunStatus.Running
    started_at: str = Field(default_factory=now_utc)
    updated_at: str = Field(default_factory=now_utc)
    steps: list[StepState] = []
    workloads: list[WorkloadRecord] = []  # original replica counts / suspend states of the source
    applied: list[AppliedObject] = []  # what the run put on the target
    # target workloads held in warm standby (0 replicas / suspended / parked) with their PLANNED scale;
    # target namespaces. --rollback leaves exactly these quiesced on the target.
    target_workloads: list[WorkloadRecord] = []
    target_namespaces_before: list[str] | None = None  # namespaces that existed on the target at preflight
    # velero engine: keys (group/Kind/namespace/name) of target objects that existed before the run's
    # first restore, in the namespaces it restores into (plus cluster-scoped ones). Velero labels
    # objects it updates as well as those it creates; --remove-target deletes only the latter.
    target_objects_before: list[str] | None = None
    rollback: RollbackState | None = None
    # distros detected on the clusters (DistroMatch ids) and what the playbook declared when they differ
    source_distro: str | None = None
    target_distro: str | None = None
    warnings: list[str] = []
    events: list[RunEvent] = []

    def step(self, step_id: str) -> StepState:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def completed(self, step_type: str) -> list[StepState]:
        return [s for s in self.steps if s.type == step_type and s.status == StepStatus.Completed]
