"""install-addons: each helm argv once; a gate (exit 4) unless helm runs them; --yes passes it only
when it is the gate the run is waiting at; --approve-all passes it always."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from migrate.models.state import RunState, StepState, StepStatus
from migrate.playbook.steps import install_addons

CERT = ["helm", "upgrade", "--install", "cert-manager", "cert-manager", "--repo", "https://charts.jetstack.io",
        "--version", "v1.16.2", "--namespace", "cert-manager", "--create-namespace"]
PROM = ["helm", "upgrade", "--install", "kube-prometheus-stack", "kube-prometheus-stack", "--repo",
        "https://prometheus-community.github.io/helm-charts", "--version", "65.8.1", "--namespace", "monitoring",
        "--create-namespace"]


def addon(source_id, argv):
    return NS(source_id=source_id, source_name=source_id, install=NS(command=argv) if argv is not None else None)


def make_ctx(tmp_path, *, yes=False, run=False, helm=None, approved_gate=None, approve_all=False):
    # one chart replacing two source add-ons appears twice in the plan (Kommander cert-manager + a
    # second issuer add-on): it must be printed and installed once
    plan = NS(addons=[addon("cert-manager", CERT), addon("kommander-cert-manager", list(CERT)), addon("prometheus", PROM),
                      addon("dex", None), addon("calico", [])])
    state = RunState(run_id="r", playbook="p", playbook_name="p", playbook_digest="d", engine="native",
                     steps=[StepState(id="install-addons", type="install-addons"), StepState(id="addons-ready", type="addons-ready")])
    calls = []

    def runner(argv, timeout=None):
        calls.append(argv)
        return NS(returncode=0, stdout="", stderr="")

    ctx = NS(plan=plan, state=state, dry_run=False, save=lambda: None, runner=runner, approved_gate=approved_gate,
             options=NS(yes=yes, approve_all=approve_all, helm=helm, kubeconfig="/k", target_context="tgt"))
    step = NS(id="install-addons", params=NS(run=run))
    return ctx, step, state.step("install-addons"), calls


def test_prints_each_command_once_and_waits_at_a_gate(tmp_path):
    ctx, step, st, calls = make_ctx(tmp_path)
    install_addons.run(ctx, step, st)
    helm = [a for a in st.actions if a.startswith("helm ")]
    assert helm == [" ".join(CERT), " ".join(PROM)]
    assert st.status == StepStatus.WaitingApproval and "--resume --yes" in st.message
    assert calls == []


def test_yes_passes_the_gate_the_run_waits_at(tmp_path):
    ctx, step, st, _ = make_ctx(tmp_path, yes=True, approved_gate="install-addons")
    st.status = StepStatus.Running
    install_addons.run(ctx, step, st)
    assert st.status == StepStatus.Running and st.message == "approved (--yes)"


def test_yes_for_another_gate_does_not_pass_this_one(tmp_path):
    ctx, step, st, _ = make_ctx(tmp_path, yes=True, approved_gate="approve-cutover")
    st.status = StepStatus.Running
    install_addons.run(ctx, step, st)
    assert st.status == StepStatus.WaitingApproval


def test_approve_all_passes_the_gate(tmp_path):
    ctx, step, st, _ = make_ctx(tmp_path, approve_all=True)
    st.status = StepStatus.Running
    install_addons.run(ctx, step, st)
    assert st.status == StepStatus.Running and st.message == "approved (--approve-all)"


def test_run_true_with_helm_installs_each_argv_once_against_the_target(tmp_path):
    helm = tmp_path / "helm"
    helm.write_text("#!/bin/sh\n")
    helm.chmod(0o755)
    ctx, step, st, calls = make_ctx(tmp_path, run=True, helm=str(helm))
    install_addons.run(ctx, step, st)
    assert [c[4] for c in calls] == ["cert-manager", "kube-prometheus-stack"]
    assert all(c[0] == str(helm) and c[-4:] == ["--kubeconfig", "/k", "--kube-context", "tgt"] for c in calls)
    assert st.message == "installed 2 add-on(s)"
    # a resumed step does not install again
    calls.clear()
    install_addons.run(ctx, step, st)
    assert calls == []
