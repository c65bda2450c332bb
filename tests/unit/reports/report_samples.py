"""Artifacts for report tests, carrying real facts (not copies of the real files):

- source: DKP 2.8.3 on AWS; platform apps and chart versions as shipped in
  kommander-applications@v2.8.3/services (traefik 26.0.0, cert-manager 1.14.2,
  kube-prometheus-stack 48.3.3, velero 5.2.3, gatekeeper 3.14.1), installed by Flux HelmReleases in
  `kommander`; default StorageClass `ebs-sc` / `ebs.csi.aws.com` as in the D2iQ 2.3 docs' `kubectl get sc`.
- target: RKE2 v1.28.1+rke2r1; its CNCF v1.28 submission ran 7391 e2e specs, 7007 skipped, 0 failed.

`evil` puts HTML/script payloads into every free-text field a cluster owner controls.
"""

from __future__ import annotations

from conformance.models import (
    BundleCheck,
    CheckResult,
    CheckStatus,
    ConformanceResult,
    MatchedFailure,
    PluginError,
    ResultItem,
    TestCase,
)
from migrate.models.common import ArtifactHeader, Finding, ObjectRef, Severity
from migrate.models.detection import AddonCategory, AddonMatch, Detection, DistroMatch, Evidence, InfraMatch
from migrate.models.inventory import (
    ApiUsage,
    ClusterInfo,
    ContainerInfo,
    Inventory,
    NamespaceInfo,
    ResourceTypeInfo,
    StorageClassInfo,
    WorkloadInfo,
)
from migrate.models.plan import (
    AddonPlan,
    Change,
    Decision,
    ImageMapping,
    IngressClassMapping,
    InstallSpec,
    NamespacePlan,
    ObjectPlan,
    PatchOp,
    Plan,
    PlanSummary,
    Risk,
    SourceSummary,
    StorageMapping,
    TargetSummary,
)
from migrate.models.state import AppliedObject, RollbackState, RunEvent, RunState, StepState, StepStatus, WorkloadRecord

PAYLOADS = ('<script>alert("x1")</script>', '"><img src=x onerror=alert("x2")>', "'><svg onload=alert('x3')>")
CREATED = "2024-05-02T10:00:00Z"


def _p(evil: bool, i: int = 0) -> str:
    return PAYLOADS[i % len(PAYLOADS)] if evil else ""


def inventory(evil: bool = False) -> Inventory:
    ev = _p(evil)
    ann = {"example.com/note": _p(evil, 1)} if evil else {}
    return Inventory(
        header=ArtifactHeader(kind="Inventory", created_at=CREATED, mode="live", source="dkp-prod-admin@dkp-prod"),
        cluster=ClusterInfo(name="dkp-prod", git_version="v1.27.13", major="1", minor="27", node_count=6),
        complete=False,
        namespaces=[
            NamespaceInfo(name="kommander", category="platform", object_count=412),
            NamespaceInfo(name="shop" + ev, category="workload", object_count=38, annotations=ann),
            NamespaceInfo(name="payments", category="workload", object_count=21),
        ],
        resource_types=[
            ResourceTypeInfo(group="apps", version="v1", resource="deployments", kind="Deployment", namespaced=True, count=57),
            ResourceTypeInfo(group="metrics.k8s.io", version="v1beta1", resource="pods", kind="PodMetrics", namespaced=True,
                             count=0, complete=False, error="503 Service Unavailable after 5 retries" + ev),
        ],
        workloads=[
            WorkloadInfo(
                ref=ObjectRef(api_version="apps/v1", kind="Deployment", name="web" + ev, namespace="shop"),
                replicas=3,
                containers=[ContainerInfo(name="web", image="registry.dkp.internal:5000/shop/web:1.4.2", registry="registry.dkp.internal:5000")],
            ),
            WorkloadInfo(
                ref=ObjectRef(api_version="apps/v1", kind="Deployment", name="api", namespace="payments"),
                replicas=2,
                containers=[ContainerInfo(name="api", image="docker.io/library/nginx:1.25", registry="docker.io")],
            ),
        ],
        storage_classes=[StorageClassInfo(name="ebs-sc", provisioner="ebs.csi.aws.com", reclaim_policy="Delete",
                                          volume_binding_mode="WaitForFirstConsumer", is_default=True)],
        api_usage=[ApiUsage(ref=ObjectRef(api_version="policy/v1", kind="PodDisruptionBudget", name="web", namespace="shop"),
                            api_version="policy/v1beta1", kind="PodDisruptionBudget", source="last-applied")],
        detection=Detection(
            distro=DistroMatch(
                id="dkp", name="D2iQ Kubernetes Platform", version="2.8.3", role="management", confidence=0.95,
                evidence=[
                    Evidence(kind="namespace", detail="namespace kommander exists", ref="Namespace/kommander"),
                    Evidence(kind="crd-group", detail="kommander.mesosphere.io CRDs served"),
                    Evidence(kind="object", detail="HelmRelease kommander/traefik chart 26.0.0" + ev, ref="HelmRelease/kommander/traefik"),
                ],
            ),
            infrastructure=InfraMatch(id="aws", name="Amazon Web Services", confidence=0.9,
                                      evidence=[Evidence(kind="provider-id", detail="aws:///us-west-2a/i-0a1b2c3d4e5f60718")]),
            addons=[
                AddonMatch(id="traefik", name="Traefik" + ev, category=AddonCategory.ingress, version="26.0.0", namespace="kommander",
                           confidence=0.95, managed_by="flux-helmrelease:kommander/traefik"),
            ],
        ),
        warnings=[Finding(code="TYPE_INCOMPLETE", severity=Severity.Warning,
                          message="metrics.k8s.io/v1beta1 pods could not be listed: 503" + ev)],
        object_count=471,
    )


def plan(evil: bool = False, extra_objects: int = 0) -> Plan:
    ev = _p(evil)
    ev2 = _p(evil, 1)
    objects = [
        ObjectPlan(
            source=ObjectRef(api_version="apps/v1", kind="Deployment", name="web" + ev, namespace="shop"),
            target=ObjectRef(api_version="apps/v1", kind="Deployment", name="web" + ev, namespace="shop"),
            decision=Decision.Transform,
            reason="image registry rewritten",
            changes=[Change(rule_id="distroshift.io/images/registry-map", reason="registry.dkp.internal:5000 -> harbor.example.com" + ev2,
                            ops=[PatchOp(op="replace", path="/spec/template/spec/containers/0/image", value="harbor.example.com/shop/web:1.4.2")])],
            risk=Risk.Medium,
            findings=[Finding(code="IMAGE_INTERNAL_REGISTRY", severity=Severity.Warning,
                              message="image from a registry internal to the source" + ev2,
                              resolution="mirror the image to harbor.example.com")],
        ),
        ObjectPlan(
            source=ObjectRef(api_version="policy/v1beta1", kind="PodSecurityPolicy", name="restricted" + ev),
            decision=Decision.Manual,
            reason="PodSecurityPolicy was removed in Kubernetes 1.25",
            risk=Risk.High,
            findings=[Finding(code="API_REMOVED", severity=Severity.Blocker, message="policy/v1beta1 PodSecurityPolicy is removed in 1.25" + ev,
                              ref=ObjectRef(api_version="policy/v1beta1", kind="PodSecurityPolicy", name="restricted" + ev),
                              resolution="label namespaces with pod-security.kubernetes.io/enforce" + ev2)],
        ),
        ObjectPlan(
            source=ObjectRef(api_version="policy/v1beta1", kind="PodDisruptionBudget", name="web", namespace="shop"),
            target=ObjectRef(api_version="policy/v1", kind="PodDisruptionBudget", name="web", namespace="shop"),
            decision=Decision.Transform,
            reason="apiVersion converted",
        ),
        ObjectPlan(
            source=ObjectRef(api_version="helm.toolkit.fluxcd.io/v2beta1", kind="HelmRelease", name="traefik", namespace="kommander"),
            decision=Decision.Drop,
            reason="DKP platform app; replaced by the target's bundled ingress",
        ),
        ObjectPlan(
            source=ObjectRef(api_version="apps/v1", kind="Deployment", name="api", namespace="payments"),
            target=ObjectRef(api_version="apps/v1", kind="Deployment", name="api", namespace="payments"),
            decision=Decision.Keep,
        ),
    ]
    for i in range(extra_objects):
        ns = f"team-{i % 200:03d}"
        objects.append(
            ObjectPlan(
                source=ObjectRef(api_version="v1", kind="ConfigMap", name=f"cfg-{i:06d}", namespace=ns),
                target=ObjectRef(api_version="v1", kind="ConfigMap", name=f"cfg-{i:06d}", namespace=ns),
                decision=Decision.Manual if i % 97 == 0 else Decision.Keep,
                reason="owner unknown" if i % 97 == 0 else "",
                findings=[Finding(code="OWNER_UNKNOWN", severity=Severity.Warning, message=f"cfg-{i:06d} has no owner")] if i % 97 == 0 else [],
            )
        )
    decisions: dict[str, int] = {}
    for o in objects:
        decisions[o.decision.value] = decisions.get(o.decision.value, 0) + 1
    blocker = objects[1].findings[0]
    return Plan(
        header=ArtifactHeader(kind="Plan", created_at=CREATED, mode="offline", source="inventory.json"),
        source=SourceSummary(inventory="inventory.json", cluster="dkp-prod", distro="dkp", git_version="v1.27.13"),
        target=TargetSummary(profile="rke2", name="RKE2", kubernetes_version="1.28", distro="rke2",
                             profile_source="builtin:playbooks/profiles/targets/rke2.yaml"),
        registry_map={"registry.dkp.internal:5000": "harbor.example.com"},
        summary=PlanSummary(objects=len(objects), decisions=decisions, blockers=1, warnings=1, manifests=3),
        blockers=[blocker],
        findings=[Finding(code="ADDON_NO_EQUIVALENT", severity=Severity.Warning, message="gatekeeper has no bundled equivalent" + ev,
                          resolution="install gatekeeper 3.14.1 with helm")],
        addons=[
            AddonPlan(source_id="traefik", source_name="Traefik" + ev, category="ingress", source_version="26.0.0",
                      target_id="rke2-ingress-nginx", target_name="ingress-nginx (RKE2 bundled)", action="Replace",
                      notes=["traefik annotations are translated where an nginx equivalent exists" + ev2]),
            AddonPlan(source_id="cert-manager", source_name="cert-manager", category="cert-manager", source_version="1.14.2",
                      target_id="cert-manager", target_name="cert-manager", target_version="1.14.2", action="Install",
                      install=InstallSpec(method="helm", chart="cert-manager", repo="https://charts.jetstack.io", version="1.14.2",
                                          namespace="cert-manager", release="cert-manager",
                                          command=["helm", "upgrade", "--install", "cert-manager", "cert-manager",
                                                   "--repo", "https://charts.jetstack.io", "--version", "1.14.2", "-n", "cert-manager" + ev])),
            AddonPlan(source_id="kube-prometheus-stack", source_name="kube-prometheus-stack", category="monitoring",
                      source_version="48.3.3", target_id="rancher-monitoring", target_name="Rancher Monitoring", action="Replace"),
            AddonPlan(source_id="velero", source_name="Velero", category="backup", source_version="5.2.3", target_id="velero",
                      target_name="Velero", target_version="5.2.3", action="Install"),
            AddonPlan(source_id="gatekeeper", source_name="Gatekeeper", category="policy", source_version="3.14.1", action="Manual",
                      notes=["no bundled policy engine on RKE2"]),
            AddonPlan(source_id="calico", source_name="Calico", category="cni", target_id="rke2-canal", target_name="Canal (RKE2 default)",
                      action="Bundled"),
        ],
        storage=[
            StorageMapping(source_class="ebs-sc", target_class="ebs-csi", reason="same CSI driver ebs.csi.aws.com", pvc_count=7),
            StorageMapping(source_class="localvolumeprovisioner" + ev, target_class=None, reason="no local-volume provisioner on the target",
                           pvc_count=2),
        ],
        ingress=[IngressClassMapping(source_class="kommander-traefik", target_class="nginx", reason="target bundles ingress-nginx",
                                     annotations_translated={"traefik.ingress.kubernetes.io/router.tls": "nginx.ingress.kubernetes.io/ssl-redirect"},
                                     annotations_dropped=["traefik.ingress.kubernetes.io/router.middlewares" + ev])],
        images=[ImageMapping(source="registry.dkp.internal:5000/shop/web:1.4.2", target="harbor.example.com/shop/web:1.4.2",
                             internal=True, reason="registry map" + ev)],
        namespaces=[
            NamespacePlan(source="shop" + ev, target="shop", category="workload", migrate=True, readiness="NeedsAttention",
                          object_count=38, decisions={"Transform": 2, "Keep": 36},
                          pod_security_labels={"pod-security.kubernetes.io/enforce": "baseline"}),
            NamespacePlan(source="payments", target="payments", category="workload", migrate=True, readiness="Ready",
                          object_count=21, decisions={"Keep": 21}),
            NamespacePlan(source="kommander", target="kommander", category="platform", migrate=False, readiness="Ready", object_count=412),
        ],
        objects=objects,
        manifest_order=["10-namespaces/shop.yaml", "40-workloads/shop/apps-Deployment-web.yaml", "40-workloads/payments/apps-Deployment-api.yaml"],
    )


def conformance(evil: bool = False, replay: bool = True) -> ConformanceResult:
    ev = _p(evil)
    failed_name = "[sig-network] Services should serve endpoints on same port and different protocols [Conformance]"
    known_name = "[sig-apps] Daemon set [Serial] should rollback without unnecessary restarts [Conformance]"
    return ConformanceResult(
        header=ArtifactHeader(kind="ConformanceResult", created_at=CREATED, mode="offline" if replay else "live",
                              source="rke2-results.tar.gz" if replay else "rke2-prod"),
        mode="replay" if replay else "certified-conformance",
        sonobuoy_version="v0.56.16",
        server_version="v1.28.1+rke2r1",
        run_status="replayed" if replay else "complete",
        result_status="failed",
        message="replayed from a recorded sonobuoy tarball" if replay else "",
        passed=382,
        failed=2,
        skipped=7007,
        failures=[
            TestCase(name=failed_name + ev, status="failed", duration=31.2, message="timed out waiting for the condition" + ev,
                     log_excerpt="STEP: creating service multiprotocol-test\n" + ev),
            TestCase(name=known_name, status="failed", duration=40.0, message="expected 2 nodes"),
        ],
        expected_failures=[MatchedFailure(name=known_name, reason="single-node lab cluster" + ev, matched_by=known_name)],
        unexpected_failures=[TestCase(name=failed_name + ev, status="failed", message="timed out waiting for the condition" + ev)],
        plugin_errors=[PluginError(plugin="systemd-logs", message="no nodes matched" + ev)] if evil else [],
        plugins=[ResultItem(name="e2e", status="failed", meta={"type": "summary"})],
        checks=[
            CheckResult(id="distroshift.io/readiness/nodes-ready", title="Nodes Ready", category="readiness", status=CheckStatus.Passed),
            CheckResult(id="distroshift.io/readiness/storage-class/ebs-csi", title="StorageClass ebs-csi exists" + ev, category="readiness",
                        status=CheckStatus.Failed, message="not found on the target" + ev, evidence=["StorageClass/local-path" + ev]),
            CheckResult(id="distroshift.io/readiness/dns", title="Cluster DNS", category="readiness", severity="Warning",
                        status=CheckStatus.Failed, message="rke2-coredns-rke2-coredns has 1/2 ready"),
        ],
        bundle=BundleCheck(folder="v1.28/rke2", k8s_version="v1.28", product="RKE2" + ev, current_version="v1.30",
                           checks=[CheckResult(id="distroshift.io/bundle/e2e-log-success", title="e2e.log reports success",
                                               category="cncf-bundle", status=CheckStatus.Passed)]),
        tarball="/tmp/x/202309102338_sonobuoy_rke2.tar.gz" if replay else None,
    )


def run_state(evil: bool = False, rolled_back: bool = False) -> RunState:
    ev = _p(evil)
    steps = [
        StepState(id="preflight", type="preflight", status=StepStatus.Completed, attempts=1,
                  started_at="2024-05-02T11:00:00Z", finished_at="2024-05-02T11:00:04Z", actions=["target reachable"]),
        StepState(id="pre-stage", type="pre-stage", status=StepStatus.Completed, attempts=1,
                  started_at="2024-05-02T11:00:04Z", finished_at="2024-05-02T11:02:34Z",
                  data={"backup": {"kind": "Backup", "name": "ds-run1-pre-stage", "phase": "Completed", "items_done": 412,
                                   "items_total": 412, "errors": 0, "warnings": 1}}),
        StepState(id="quiesce", type="quiesce", status=StepStatus.Completed, attempts=1,
                  started_at="2024-05-02T11:02:34Z", finished_at="2024-05-02T11:02:40Z", actions=["scaled Deployment shop/web 3 -> 0" + ev]),
        StepState(id="restore", type="restore", status=StepStatus.Failed if rolled_back else StepStatus.Completed, attempts=2,
                  started_at="2024-05-02T11:02:40Z", finished_at="2024-05-02T11:05:10Z",
                  message=("restore ended PartiallyFailed" + ev) if rolled_back else "",
                  data={"restore": {"kind": "Restore", "name": "ds-run1-restore", "phase": "PartiallyFailed" if rolled_back else "Completed",
                                    "items_done": 405, "items_total": 412, "errors": 3 if rolled_back else 0, "warnings": 2}}),
        StepState(id="verify", type="verify", status=StepStatus.Pending if rolled_back else StepStatus.Completed,
                  started_at=None if rolled_back else "2024-05-02T11:05:10Z", finished_at=None if rolled_back else "2024-05-02T11:05:55Z"),
    ]
    return RunState(
        header=ArtifactHeader(kind="RunState", created_at=CREATED, mode="live", source="dkp-prod -> rke2-prod"),
        run_id="run1", playbook="playbooks/velero-cutover.yaml", playbook_name="velero-cutover" + ev, playbook_digest="0" * 64,
        engine="velero", source_context="dkp-prod", target_context="rke2-prod",
        status="RolledBack" if rolled_back else "Completed",
        started_at="2024-05-02T11:00:00Z", updated_at="2024-05-02T11:06:30Z" if rolled_back else "2024-05-02T11:05:55Z",
        steps=steps,
        workloads=[WorkloadRecord(api_version="apps/v1", kind="Deployment", namespace="shop", name="web" + ev, replicas=3,
                                  quiesced=True, restored=rolled_back),
                   WorkloadRecord(api_version="batch/v1", kind="CronJob", namespace="shop", name="nightly", suspend=False,
                                  quiesced=True, restored=rolled_back)],
        applied=[AppliedObject(api_version="v1", kind="Namespace", name="shop", created=True, step="restore", removed=rolled_back)],
        rollback=RollbackState(started_at="2024-05-02T11:05:20Z", finished_at="2024-05-02T11:06:30Z", remove_target=True,
                               actions=["scaled Deployment shop/web 0 -> 3", "unsuspended CronJob shop/nightly"]) if rolled_back else None,
        events=[RunEvent(at="2024-05-02T11:00:00Z", step="preflight", message="run started" + ev)],
    )
