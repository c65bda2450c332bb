"""Data files: every shipped profile loads; a bad profile/mapping/overlay file is one line naming
file and field (exit 2 from the CLI); overlays add, never override."""

from __future__ import annotations

import pytest
import yaml

from factories import configmap, namespace, write_inventory
from migrate.cli.main import run
from migrate.data import distro_profile_ids, load_deprecations, load_distro_profile, load_target_profile, target_profile_ids
from migrate.errors import InputError


def test_all_shipped_profiles_load():
    assert set(target_profile_ids()) >= {"rke2", "eks", "aks", "gke", "kubeadm", "openshift", "k3s", "kubeadm-hardened", "edge"}
    for t in target_profile_ids():
        p, src = load_target_profile(t)
        assert p.id == t and src.endswith(f"{t}.yaml") and p.default_storage_class() is not None
    for d in distro_profile_ids():
        assert load_distro_profile(d).id == d


def test_deprecations_know_the_planted_apis():
    dep = load_deprecations()
    assert dep.removed_at("extensions/v1beta1", "Ingress", 22).replacement_api == "networking.k8s.io/v1"
    assert dep.removed_at("policy/v1beta1", "PodSecurityPolicy", 25).replacement_api == ""
    assert dep.removed_at("batch/v1beta1", "CronJob", 24) is None


def test_overlay_adds_but_cannot_override(tmp_path):
    f = tmp_path / "extra.yaml"
    f.write_text(yaml.safe_dump({"deprecated-versions": [{"version": "acme.io/v1beta1", "kind": "Widget", "removed-in": "v1.30.0", "replacement-api": "acme.io/v1"}]}))
    assert load_deprecations([f]).removed_at("acme.io/v1beta1", "Widget", 31).replacement_api == "acme.io/v1"
    f.write_text(yaml.safe_dump({"deprecated-versions": [{"version": "batch/v1beta1", "kind": "CronJob", "removed-in": "v1.40.0"}]}))
    with pytest.raises(InputError, match=r"extra.yaml: deprecated-versions\[0\]: .*already defined"):
        load_deprecations([f])


def _profile():
    from migrate.data import builtin_path

    return yaml.safe_load(builtin_path("profiles", "targets", "rke2.yaml").read_text())


@pytest.mark.parametrize("mutate,field", [
    (lambda p: p["storage_classes"][0].update(access_modes=["ReadWriteSometimes"]), "storage_classes[longhorn].access_modes[0]"),
    (lambda p: p["load_balancer"].update(modle="none"), "load_balancer.modle"),
    (lambda p: p.pop("network"), "network"),
    (lambda p: p["kubernetes"].update(default="1.99"), "kubernetes"),
])
def test_bad_profile_is_one_line_naming_file_and_field(tmp_path, capsys, mutate, field):
    inv = write_inventory(tmp_path / "inv", [namespace("shop"), configmap("c", "shop")])
    p = _profile()
    mutate(p)
    f = tmp_path / "my-rke2.yaml"
    f.write_text(yaml.safe_dump(p))
    rc = run(["plan", "--inventory", str(inv), "--profile", str(f), "--out", str(tmp_path / "out"), "-o", "json"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {f}: {field}")


@pytest.mark.parametrize("args,needle", [
    (["--namespace-map", "shop"], "--namespace-map: 'shop' is not of the form old=new"),
    (["--namespace-map", "shop=Shop_Prod"], "--namespace-map: 'Shop_Prod' is not a valid namespace name"),
    (["--target-version", "1.12"], "--target-version:"),
    (["--target", "nope"], "--target: unknown target 'nope'"),
])
def test_bad_flags_exit_2(tmp_path, capsys, args, needle):
    inv = write_inventory(tmp_path / "inv", [namespace("shop")])
    base = ["plan", "--inventory", str(inv), "--out", str(tmp_path / "out")]
    if "--target" not in args:
        base += ["--target", "rke2"]
    assert run(base + args) == 2
    assert needle in capsys.readouterr().err


def test_cli_writes_the_plan_and_exits_1_on_blockers(tmp_path, capsys):
    from factories import deployment

    inv = write_inventory(tmp_path / "inv", [namespace("shop"), deployment("web", "shop", image="image-registry.openshift-image-registry.svc:5000/shop/web:1")],
                          distro="openshift")
    rc = run(["plan", "--inventory", str(inv), "--target", "kubeadm", "--out", str(tmp_path / "out"), "-o", "json"])
    cap = capsys.readouterr()
    assert rc == 1 and "blocker" in cap.err
    import json

    assert json.loads(cap.out)["blockers"][0]["code"] == "IMAGE_INTERNAL_REGISTRY"
    assert (tmp_path / "out" / "plan.json").exists()


@pytest.mark.realdata
def test_deprecations_file_is_what_the_generator_makes_from_the_real_sources(realdata_dir):
    import importlib.util
    from pathlib import Path

    from migrate.data import builtin_path

    spec = importlib.util.spec_from_file_location("build_deprecations", Path(__file__).resolve().parents[3] / "scripts" / "build_deprecations.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    shipped = yaml.safe_load(builtin_path("apis", "deprecations.yaml").read_text())
    assert mod.build(realdata_dir)["deprecated-versions"] == shipped["deprecated-versions"]
    pluto = yaml.safe_load((realdata_dir / "deprecations/pluto/versions.yaml").read_text())
    k8s = {(e["version"], e["kind"]) for e in pluto["deprecated-versions"] if e["component"] == "k8s"}
    assert k8s <= {(e["version"], e["kind"]) for e in shipped["deprecated-versions"]}


def test_table_lists_findings_within_100_columns_and_counts_errors(tmp_path, capsys, monkeypatch):
    """The summary names errors beside blockers and warnings, and every finding is listed, not just counted."""
    from factories import service

    monkeypatch.setenv("COLUMNS", "100")
    lb = service("gateway", "payments", type_="LoadBalancer",
                 annotations={"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"})
    inv = write_inventory(tmp_path / "inv", [namespace("payments"), lb], distro="eks")
    out = tmp_path / "out"
    assert run(["plan", "--inventory", str(inv), "--target", "kubeadm", "--out", f"{out}/"]) == 0
    cap = capsys.readouterr()
    lines = cap.out.splitlines()
    assert max(len(ln) for ln in lines) <= 100
    assert any("0 blockers, 0 errors, 1 warning" in ln for ln in lines)
    finding = next(i for i, ln in enumerate(lines) if "LB_ANNOTATION_UNTRANSLATED" in ln)
    assert lines[finding].startswith("Warning") and "Service/payments/gateway" in lines[finding]
    assert "aws-load-balancer-type" in lines[finding + 1]
    # paths are said one way: no 'out//plan.json'
    assert f"wrote {out}/plan.json and 2 manifests in {out}/manifests/" in cap.err and "//" not in cap.err


def test_summary_counts_errors_separately(tmp_path):
    from migrate.cli.plan_cmd import plan_findings, summary_line
    from migrate.models.common import Finding, Severity
    from migrate.plan import build_plan

    inv = write_inventory(tmp_path / "inv", [namespace("shop")])
    plan = build_plan(inv, target="rke2", out_dir=None)
    plan.findings.append(Finding(code="HELM_CHART_REMOVED_API", severity=Severity.Error, message="m"))
    found = plan_findings(plan)
    assert [f.code for f in found] == ["HELM_CHART_REMOVED_API"]
    assert summary_line(plan, found).endswith("0 blockers, 1 error, 0 warnings")
