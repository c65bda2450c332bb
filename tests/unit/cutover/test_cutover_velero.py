"""The velero wrapper against the stand-in: only status.phase decides, names are reused on resume."""

from __future__ import annotations

import pytest

from migrate.cutover.velero import (
    BackupRequest,
    RestoreRequest,
    Velero,
    VeleroCluster,
    require_completed,
    resource_name,
)
from migrate.errors import GateFailed, InputError

SRC = VeleroCluster("source", kubeconfig="/tmp/kc", context="src")
TGT = VeleroCluster("target", kubeconfig="/tmp/kc", context="tgt")


def make(standin, **env) -> Velero:
    return Velero(standin.runner(**env), binary=standin.path, poll_interval=0, sleep=lambda s: None)


def test_backup_flags_and_completed_phase(velero_standin):
    v = make(velero_standin)
    req = BackupRequest(name="ds-r1-pre-stage", include_namespaces=["shop", "web"], selector={"app": "shop"}, volumes="fs")
    out = require_completed(v.backup(SRC, req))
    assert out.phase == "Completed" and out.items_done == out.items_total == 36
    create = [c for c in velero_standin.calls() if c[1:3] == ["backup", "create"]]
    assert create == [
        ["velero", "backup", "create", "ds-r1-pre-stage",
         "--include-namespaces", "shop,web", "--selector", "app=shop", "--default-volumes-to-fs-backup", "--wait",
         "--kubeconfig", "/tmp/kc", "--kubecontext", "src", "--namespace", "velero"]
    ]


@pytest.mark.parametrize(
    "scenario, phase",
    [
        ("partially-failed", "PartiallyFailed"),
        ("failed", "Failed"),
        ("finalizing-partially-failed", "FinalizingPartiallyFailed"),
        ("waiting-for-plugin-operations-partially-failed", "WaitingForPluginOperationsPartiallyFailed"),
        ("no-bsl", "FailedValidation"),
    ],
)
def test_any_phase_but_completed_stops_despite_exit_code_zero(velero_standin, scenario, phase):
    v = make(velero_standin, VELERO_STANDIN_SCENARIO=scenario)
    out = v.backup(SRC, BackupRequest(name="b", include_namespaces=["shop"]))
    assert out.phase == phase
    with pytest.raises(GateFailed) as e:
        require_completed(out)
    msg = str(e.value)
    assert phase in msg
    if scenario == "partially-failed":  # errors and warnings are listed, not just counted
        assert "1 errors, 1 warnings" in msg
        assert "volume snapshot timed out" in msg and "hostPath volumes" in msg
    if scenario == "failed":
        assert "AccessDenied" in msg
    if scenario == "no-bsl":
        assert "default' wasn't found" in msg


def test_waiting_for_plugin_operations_is_polled_until_completed(velero_standin):
    v = make(velero_standin, VELERO_STANDIN_SCENARIO="waiting-for-plugin-operations")
    out = v.backup(SRC, BackupRequest(name="b", include_namespaces=["shop"]))
    assert out.ok
    gets = [c for c in velero_standin.calls() if c[1:3] == ["backup", "get"]]
    assert len(gets) >= 2


def test_resume_adopts_existing_backup_instead_of_creating_twice(velero_standin):
    v = make(velero_standin)
    req = BackupRequest(name=resource_name("run-1", "final-backup"), include_namespaces=["shop"])
    first = v.backup(SRC, req)
    second = v.backup(SRC, req)
    assert first.ok and second.ok and second.adopted and not first.adopted
    creates = [c for c in velero_standin.calls() if c[1:3] == ["backup", "create"]]
    assert len(creates) == 1


def test_restore_flags_and_visibility_through_shared_location(velero_standin):
    v = make(velero_standin)
    require_completed(v.backup(SRC, BackupRequest(name="b1", include_namespaces=["shop"])))
    req = RestoreRequest(
        name="r1", backup="b1", namespace_mappings={"shop": "shop-new"},
        existing_resource_policy="update", resource_modifier_configmap="distroshift-resource-modifiers",
    )
    out = require_completed(v.restore(TGT, req))
    assert out.kind == "Restore"
    create = [c for c in velero_standin.calls() if c[1:3] == ["restore", "create"]][0]
    assert create[3:] == ["r1", "--from-backup", "b1", "--namespace-mappings", "shop:shop-new",
                          "--existing-resource-policy", "update", "--resource-modifier-configmap",
                          "distroshift-resource-modifiers", "--wait", "--kubeconfig", "/tmp/kc",
                          "--kubecontext", "tgt", "--namespace", "velero"]
    # a second call (resume) adopts it
    assert v.restore(TGT, req).adopted


def test_restore_partially_failed_lists_errors(velero_standin):
    v = make(velero_standin, VELERO_STANDIN_RESTORE_SCENARIO="partially-failed")
    v.backup(SRC, BackupRequest(name="b1", include_namespaces=["shop"]))
    out = v.restore(TGT, RestoreRequest(name="r1", backup="b1"))
    with pytest.raises(GateFailed, match="storageclass \"longhorn\" not found"):
        require_completed(out)


def test_restore_refuses_when_backup_not_visible_on_target(velero_standin):
    v = make(velero_standin)
    v.backup(SRC, BackupRequest(name="b1", include_namespaces=["shop"]))
    velero_standin.configure("tgt", locations=[{"name": "default", "provider": "aws", "bucket": "other", "prefix": "", "default": True}])
    with pytest.raises(GateFailed, match="not visible on the target"):
        v.restore(TGT, RestoreRequest(name="r1", backup="b1"))


def test_preflight_shared_location_and_versions(velero_standin):
    v = make(velero_standin)
    src_loc, tgt_loc, notes = v.preflight(SRC, TGT)
    assert src_loc.bucket == tgt_loc.bucket == "velero-migration-demo"
    assert any("ReadOnly" in n for n in notes)  # migration guide advice surfaces as a note

    velero_standin.configure("tgt", locations=[{"name": "default", "provider": "aws", "bucket": "b2", "prefix": "x", "default": True}])
    with pytest.raises(GateFailed, match="share no backup storage location.*aws:b2/x"):
        v.preflight(SRC, TGT)

    velero_standin.configure("tgt", server_version="v1.11.0")
    with pytest.raises(GateFailed, match="older than on the source"):
        v.preflight(SRC, TGT)


def test_preflight_version_mismatch_warns_and_no_server_fails(velero_standin):
    _s, _t, notes = make(velero_standin, VELERO_STANDIN_SCENARIO="version-mismatch").preflight(SRC, TGT)
    assert any("client version does not match" in n for n in notes)
    with pytest.raises(GateFailed, match="velero server not reachable on the source"):
        make(velero_standin, VELERO_STANDIN_SCENARIO="no-server").preflight(SRC, TGT)
    with pytest.raises(GateFailed, match="no backup storage location on the source"):
        make(velero_standin, VELERO_STANDIN_SCENARIO="no-bsl").preflight(SRC, TGT)


def test_resource_names_are_deterministic_dns_labels():
    a = resource_name("20260101-abc", "pre-stage", "backup")
    assert a == resource_name("20260101-abc", "pre-stage", "backup") == "ds-20260101-abc-pre-stage-backup"
    long1 = resource_name("r" * 40, "step_" + "x" * 40)
    long2 = resource_name("r" * 40, "step_" + "x" * 39 + "y")
    assert len(long1) <= 63 and long1 != long2 and long1.replace("-", "").isalnum()


def test_bad_request_values_are_input_errors():
    with pytest.raises(InputError, match="none or update"):
        RestoreRequest(name="r", backup="b", existing_resource_policy="replace").argv()
    with pytest.raises(InputError, match="volume mode"):
        BackupRequest(name="b", volumes="restic").argv()
