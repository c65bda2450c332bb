"""`distroshift demo`: the whole pipeline against two simulated clusters, artifacts and reports on disk.

    source sim ──inventory──> inventory.json ──plan──> plan/plan.json + manifests/
    target sim <──readiness── readiness.json
               <──run (native engine, --yes)── state.json ──verify──> parity.json
    shipped recorded sonobuoy tarball ──conformance --from-tarball──> conformance/conformance.json
    all of it ──report──> reports/{assessment,conformance,cutover}.html (+ .md)

Each stage is called the way a user calls it (the CLI, in-process, or the stage's public function)
and writes its artifact into the out directory. A stage that is not built yet, or that cannot run
here, is reported as such and the demo goes on with what it has: nothing is faked.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import yaml

from migrate.errors import InputError

__all__ = ["PAIRS", "SOURCE_PLAN_FLAGS", "StageOutcome", "DemoResult", "run_demo", "find_replay_tarball", "replay_label"]

# Simulated migration pairs: source -> default target (every one a shipped snapshot).
PAIRS = {"dkp": "rke2", "tkg": "eks", "openshift": "kubeadm"}
# Plan flags a migration engineer must pass for a source, with the reason the demo prints: these
# resolve real blockers (the tool cannot guess where images were mirrored to), not tool mistakes.
SOURCE_PLAN_FLAGS: dict[str, tuple[list[str], str]] = {
    "openshift": (
        ["--registry-map", "image-registry.openshift-image-registry.svc:5000=registry.example.com/mirror"],
        "images in the OpenShift internal registry (image-registry.openshift-image-registry.svc:5000) cannot be "
        "pulled by the target; as an engineer would after mirroring them, the demo passes --registry-map "
        "image-registry.openshift-image-registry.svc:5000=registry.example.com/mirror",
    ),
}
NOT_BUILT = "is not built yet"
REPLAY_ENV = "DISTROSHIFT_DEMO_TARBALL"

Status = Literal["ok", "gate-failed", "failed", "unavailable", "skipped"]


@dataclass
class StageOutcome:
    stage: str
    status: Status
    message: str = ""
    artifacts: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class DemoResult:
    out_dir: Path
    source: str
    target: str
    stages: list[StageOutcome] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    kubeconfig: Path | None = None

    def stage(self, name: str) -> StageOutcome | None:
        return next((s for s in self.stages if s.stage == name), None)

    @property
    def failed(self) -> list[StageOutcome]:
        return [s for s in self.stages if s.status == "failed"]

    @property
    def not_ok(self) -> list[StageOutcome]:
        """Stages that ended GATE or FAILED: the demo did not show a clean migration."""
        return [s for s in self.stages if s.status in ("gate-failed", "failed")]


def find_replay_tarball() -> Path | None:
    """A recorded sonobuoy results tarball shipped with the project (conformance/data/), or $DISTROSHIFT_DEMO_TARBALL."""
    env = os.environ.get(REPLAY_ENV)
    if env:
        return Path(env)
    try:
        import conformance.data as cdata
    except ImportError:
        return None
    base = Path(cdata.__file__).resolve().parent
    found = sorted(base.glob("**/*.tar.gz"))
    return found[0] if found else None


def _shipped() -> set[str]:
    from migrate.sim import shipped_clusters

    return {name for name, _, _ in shipped_clusters()}


def _check_pair(source: str, target: str) -> None:
    shipped = _shipped()
    if source not in shipped:
        raise InputError(f"no simulated source cluster {source!r} (shipped: {', '.join(sorted(shipped))})", field="--source")
    if not target:
        raise InputError(f"no default target for {source!r}; give --target", field="--target")
    if target not in shipped:
        raise InputError(f"no simulated target cluster {target!r} (available: {', '.join(sorted(shipped))})", field="--target")
    if source == target:
        raise InputError("--source and --target must be different clusters", field="--target")


def _merge_kubeconfigs(paths: list[Path], dest: Path) -> Path:
    """One kubeconfig holding every simulated context (the playbook runner takes both from one file)."""
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [], "preferences": {}}
    for p in paths:
        kc = yaml.safe_load(p.read_text()) or {}
        for key in ("clusters", "users", "contexts"):
            merged[key] += kc.get(key) or []
        merged.setdefault("current-context", kc.get("current-context"))
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the simulators' tokens
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(merged, f, sort_keys=False)
    return dest


def _context_of(kubeconfig: Path) -> str:
    return str((yaml.safe_load(kubeconfig.read_text()) or {}).get("current-context") or "")


class _Pipeline:
    def __init__(self, out: Path, echo: Callable[[str], None]):
        self.out = out
        self.echo = echo
        self.log_path = out / "demo.log"
        self.result_stages: list[StageOutcome] = []

    def log(self, text: str) -> None:
        with self.log_path.open("a", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    def cli(self, argv: list[str]) -> tuple[int, str]:
        """Run `distroshift <argv>` in-process; its output goes to demo.log, its error line is returned."""
        from migrate.cli.main import run

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(argv)
        self.log(f"$ distroshift {' '.join(argv)}\n{out.getvalue()}{err.getvalue()}[exit {code}]")
        lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
        return code, (lines[-1].removeprefix("error: ") if lines else "")

    def stage(self, name: str, fn: Callable[[], StageOutcome]) -> StageOutcome:
        t0 = time.monotonic()
        try:
            outcome = fn()
        except Exception as e:  # a broken stage must not stop the demo; the traceback goes to demo.log
            self.log(f"stage {name} raised:\n{traceback.format_exc()}")
            first = str(e).splitlines()[0] if str(e) else ""
            msg = f"{type(e).__name__}: {first}".strip(": ")
            outcome = StageOutcome(name, "unavailable" if NOT_BUILT in msg or isinstance(e, ImportError) else "failed", msg)
        outcome.seconds = time.monotonic() - t0
        self.result_stages.append(outcome)
        mark = {"ok": "ok", "gate-failed": "GATE", "failed": "FAILED", "unavailable": "n/a", "skipped": "skip"}[outcome.status]
        self.echo(f"  [{mark:>6}] {name:<12} {outcome.message}")
        return outcome


_PRODUCTS = {"rke2": "RKE2", "k3s": "K3s", "eks": "EKS", "aks": "AKS", "gke": "GKE", "kubeadm": "kubeadm",
             "openshift": "OpenShift", "tkg": "TKG", "dkp": "DKP"}
_RECORDED = re.compile(r"^(?P<product>[a-z0-9]+)-(?P<version>v\d+\.\d+\.\d+)-(?P<mode>[a-z-]+)$")


def replay_label(tarball: Path) -> str:
    """What a replayed tarball is, in words: nothing was run now, and the user must not think so."""
    stem = tarball.name.removesuffix(".tar.gz").removesuffix(".tgz")
    m = _RECORDED.match(stem)
    what = (f"a recorded {_PRODUCTS.get(m['product'], m['product'].upper())} {m['version']} {m['mode']} result"
            if m else f"the recorded sonobuoy result {tarball.name}")
    return f"replayed {what} (no e2e tests run now)"


def _steps_summary(state: Any) -> str:
    """'Completed, 12 of 13 steps ran; skipped: inventory (why)' -- a skip is a decision, not a gap."""
    steps = list(state.steps)
    ran = [st for st in steps if st.status.value == "Completed"]
    text = f"{state.status.value}, {len(ran)} of {len(steps)} steps ran"
    skipped = [st for st in steps if st.status.value == "Skipped"]
    if skipped:
        text += "; skipped " + "; ".join(f"{st.id} ({st.message})" if st.message else st.id for st in skipped)
    others = [st for st in steps if st.status.value not in ("Completed", "Skipped")]
    if others and state.status.value != "Completed":
        text += "; " + ", ".join(f"{st.id} {st.status.value}" for st in others[:3])
    return text


def _cli_outcome(name: str, code: int, err: str, artifacts: list[Path], ok_msg: str, gate_msg: str = "") -> StageOutcome:
    present = [a for a in artifacts if a.exists()]
    if NOT_BUILT in err:
        return StageOutcome(name, "unavailable", f"not available yet ({err})")
    if code == 0 and present:
        return StageOutcome(name, "ok", ok_msg, present)
    if code == 1 and present:
        return StageOutcome(name, "gate-failed", gate_msg or err or "the gate said no", present)
    return StageOutcome(name, "failed", err or f"exit {code}", present)


def run_demo(
    source: str = "dkp",
    target: str | None = None,
    out: str | Path = "distroshift-demo",
    *,
    keep: bool = False,
    tarball: str | Path | None = None,
    echo: Callable[[str], None] = print,
    wait: Callable[[], None] | None = None,
) -> DemoResult:
    """Run the pipeline; return what each stage did and where the reports are.

    With keep=True the simulators stay up after the reports are written until `wait()` returns
    (default: until Ctrl-C), and the merged kubeconfig is left at <out>/kubeconfig.
    """
    from migrate.sim import start

    target = target or PAIRS.get(source) or ""
    _check_pair(source, target)
    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "demo.log").write_text("")
    result = DemoResult(out_dir=out_dir, source=source, target=target)
    pipe = _Pipeline(out_dir, echo)
    private = Path(tempfile.mkdtemp(prefix="distroshift-demo-"))
    sims = []
    try:
        echo(f"distroshift demo: {source} -> {target} (simulated clusters), artifacts in {out_dir}")
        src = start(source, kubeconfig_out=private / f"{source}.kubeconfig")
        sims.append(src)
        tgt = start(target, kubeconfig_out=private / f"{target}.kubeconfig")
        sims.append(tgt)
        kubeconfig = _merge_kubeconfigs([src.kubeconfig, tgt.kubeconfig],
                                        (out_dir / "kubeconfig") if keep else (private / "kubeconfig"))
        result.kubeconfig = kubeconfig
        sctx, tctx = _context_of(src.kubeconfig), _context_of(tgt.kubeconfig)
        echo(f"  source {sctx} {src.version.get('gitVersion', '')}, target {tctx} {tgt.version.get('gitVersion', '')}")
        _pipeline(pipe, out_dir, kubeconfig, sctx, tctx, source, target, tarball)
        result.stages = pipe.result_stages
        result.reports = [a for a in (result.stage("reports").artifacts if result.stage("reports") else [])]
        if keep:
            echo("")
            echo(f"Simulated clusters are running. kubeconfig: {kubeconfig}")
            echo(f"  kubectl --kubeconfig {kubeconfig} --context {sctx} get namespaces")
            echo(f"  kubectl --kubeconfig {kubeconfig} --context {tctx} get deployments -A")
            echo("Press Ctrl-C to stop them.")
            try:
                (wait or _wait_forever)()
            except KeyboardInterrupt:
                echo("stopping the simulated clusters")
        return result
    finally:
        for s in sims:
            s.stop()
        shutil.rmtree(private, ignore_errors=True)


def _wait_forever() -> None:
    threading.Event().wait()


def _pipeline(pipe: _Pipeline, out: Path, kubeconfig: Path, sctx: str, tctx: str, source: str, target: str,
              tarball: str | Path | None) -> None:
    kc = str(kubeconfig)
    inv = out / "inventory.json"
    plan_dir = out / "plan"
    plan_json = plan_dir / "plan.json"
    readiness = out / "readiness.json"
    state = out / "state.json"
    parity = out / "parity.json"
    conf_dir = out / "conformance"

    def inventory() -> StageOutcome:
        code, err = pipe.cli(["inventory", "--kubeconfig", kc, "--context", sctx, "--out", str(inv), "-o", "json"])
        o = _cli_outcome("inventory", code, err, [inv], "")
        if o.status == "ok":
            from migrate.models.inventory import Inventory
            from migrate.models.io import read_artifact

            i = read_artifact(inv, Inventory)
            d = i.detection.distro
            o.message = (f"{inv.name}: {i.object_count} objects; detected {d.name} {d.version or ''}".rstrip()
                         if d else f"{inv.name}: {i.object_count} objects; distro not detected")
        return o

    def plan() -> StageOutcome:
        if not inv.exists():
            return StageOutcome("plan", "skipped", "needs inventory.json")
        flags, why = SOURCE_PLAN_FLAGS.get(source, ([], ""))
        if why:
            pipe.echo(f"  note: {why}")
        # --target-context: plan against what the simulated target really serves (version, APIs, classes)
        code, err = pipe.cli(["plan", "--inventory", str(inv), "--target", target, "--kubeconfig", kc, "--target-context", tctx,
                              *flags, "--out", str(plan_dir), "-o", "json"])
        o = _cli_outcome("plan", code, err, [plan_json], "", "plan written, with blockers")
        if plan_json.exists():
            from migrate.models.io import read_artifact
            from migrate.models.plan import Plan

            p = read_artifact(plan_json, Plan)
            o.message = f"plan/plan.json: {p.summary.objects} objects, {len(p.blockers)} blocker(s), {p.summary.manifests} manifest(s)"
        return o

    def addon_crds() -> StageOutcome:
        """Stand in for `helm install` of the mapped add-ons (charts need the network): copy the CRDs
        the plan's objects need from the source cluster to the target, as an operator could with
        `kubectl get crd X -o yaml | kubectl apply -f -`. Says exactly what it copied."""
        if not plan_json.exists():
            return StageOutcome("addon-crds", "skipped", "needs plan.json")
        from conformance.checks import run_readiness
        from migrate.cluster import connect

        source_client, target_client = connect(kc, sctx), connect(kc, tctx)
        prefix = "distroshift.io/readiness/crd/"
        wanted = set()
        for c in run_readiness(target_client, plan_json).checks:
            if c.id.startswith(prefix) and c.failing:
                kind_group, _, _version = c.id[len(prefix):].partition("/")
                kind, _, group = kind_group.partition(".")
                wanted.add((group, kind))
        if not wanted:
            return StageOutcome("addon-crds", "ok", "the target already serves every CRD the plan needs")
        copied = []
        crds = [c for page in source_client.list_pages("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
                for c in page.get("items") or []]
        for crd in crds:
            spec = crd.get("spec") or {}
            if (spec.get("group"), (spec.get("names") or {}).get("kind")) not in wanted:
                continue
            md = crd.get("metadata") or {}
            target_client.apply({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                                 "metadata": {"name": md.get("name"), "labels": md.get("labels") or {}}, "spec": spec})
            copied.append(md.get("name"))
        pipe.log("addon-crds: copied from the source: " + ", ".join(sorted(copied)))
        missing = len(wanted) - len(copied)
        return StageOutcome("addon-crds", "ok" if not missing else "gate-failed",
                            f"copied {len(copied)} add-on CRD(s) from source to target in place of helm installs"
                            + (f"; {missing} not found on the source" if missing else ""))

    def ready() -> StageOutcome:
        if not plan_json.exists():
            return StageOutcome("readiness", "skipped", "needs plan.json")
        from conformance.checks import run_readiness
        from migrate.cluster import connect
        from migrate.models.io import write_artifact

        r = run_readiness(connect(kc, tctx), plan_json)
        write_artifact(readiness, r)
        failing = r.failing
        return StageOutcome("readiness", "gate-failed" if failing else "ok",
                            f"{readiness.name}: {len(r.checks)} checks, {len(failing)} failing", [readiness])

    def cutover() -> StageOutcome:
        if not plan_json.exists():
            return StageOutcome("run", "skipped", "needs plan.json")
        from playbooks import __file__ as pb_init

        book = Path(pb_init).parent / "playbooks" / f"{source}-to-{target}.yaml"
        if not book.exists():
            book = Path(pb_init).parent / "playbooks" / "generic.yaml"
        code, err = pipe.cli(["run", str(book), "--kubeconfig", kc, "--source-context", sctx, "--target-context", tctx,
                              "--plan", str(plan_dir), "--engine", "native", "--state", str(state), "--approve-all"])
        o = _cli_outcome("run", code, err, [state], "", err)
        if state.exists():
            from migrate.models.io import read_artifact
            from migrate.models.state import RunState

            s = read_artifact(state, RunState)
            o.message = f"{state.name}: {book.name} native engine, {_steps_summary(s)}" + (f" ({err})" if err else "")
        return o

    def verify() -> StageOutcome:
        if not plan_json.exists() or not state.exists():
            return StageOutcome("verify", "skipped", "needs plan.json and a cutover run")
        code, err = pipe.cli(["verify", "--plan", str(plan_dir), "--source-inventory", str(inv), "--kubeconfig", kc,
                              "--context", tctx, "--out", str(parity), "-o", "json"])
        return _cli_outcome("verify", code, err, [parity], f"{parity.name}: no parity differences",
                            f"{parity.name}: parity differences found")

    def conformance() -> StageOutcome:
        tb = Path(tarball) if tarball else find_replay_tarball()
        if tb is None:
            return StageOutcome("conformance", "unavailable",
                                "no recorded sonobuoy tarball found in this install (give --conformance-tarball or set "
                                f"{REPLAY_ENV}); a live run needs sonobuoy and real nodes")
        code, err = pipe.cli(["conformance", "run", "--from-tarball", str(tb), "--out", str(conf_dir), "-o", "json"])
        cj = conf_dir / "conformance.json"
        o = _cli_outcome("conformance", code, err, [cj], "", "")
        if cj.exists():
            from conformance.models import ConformanceResult
            from migrate.models.io import read_artifact

            r = read_artifact(cj, ConformanceResult)
            o.message = (f"conformance/conformance.json: {replay_label(tb)}: {r.passed} passed, {r.failed} failed, "
                         f"{r.skipped} skipped ({'PASS' if not r.gate_reasons() else 'FAIL'})")
        return o

    def reports() -> StageOutcome:
        from reports.render import render_reports

        written: list[Path] = []
        notes = []
        groups = {
            "assessment": [inv, plan_json],
            "conformance": [readiness, conf_dir / "conformance.json"],
            "cutover": [state, parity],
        }
        for kind, files in groups.items():
            present = [f for f in files if f.exists()]
            if not present or (kind == "cutover" and not state.exists()):
                notes.append(f"no {kind} report (no artifacts)")
                continue
            for fmt in ("html", "md"):
                written += render_reports(present, out / "reports" / f"{kind}.{fmt}", fmt=fmt, kind=kind)
        html = [p for p in written if p.suffix == ".html"]
        msg = f"{len(html)} HTML report(s) in reports/" + (f"; {'; '.join(notes)}" if notes else "")
        return StageOutcome("reports", "ok" if html else "failed", msg, written)

    pipe.stage("inventory", inventory)
    pipe.stage("plan", plan)
    pipe.stage("addon-crds", addon_crds)
    pipe.stage("readiness", ready)
    pipe.stage("run", cutover)
    pipe.stage("verify", verify)
    pipe.stage("conformance", conformance)
    pipe.stage("reports", reports)
