"""Regenerate migrate/sim/_data/discovery-v1.36.json from the recorded v1.36 discovery.

Run once by hand (the package never reads ../shared at run time):
    python migrate/sim/_data/regenerate.py /work/shared/realdata/kube-apiserver-v1.36
(writes discovery-v1.36.json from exchanges/01-discovery.jsonl and schema-v1.36.json, the
merge/list semantics of every built-in type, from openapi/openapi-v2.json.gz).
Keeps the group order of /apis, every APIResourceList entry (subresources included, in server
order) and the /version body, so discovery can be served byte-compatible with the recording.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "discovery-v1.36.json"


def main(src: str) -> None:
    exchanges = [json.loads(line) for line in Path(src).read_text().splitlines() if line.strip()]
    out: dict = {"version": None, "groups": [], "resources": {}}
    for ex in exchanges:
        req, resp = ex["request"], ex["response"]
        if req["method"] != "GET" or resp["status"] != 200 or req["headers"].get("accept") != "application/json":
            continue
        body = resp["body"]
        if not isinstance(body, dict):
            continue
        kind = body.get("kind")
        if req["path"] == "/version" and out["version"] is None:
            out["version"] = body
        elif kind == "APIGroupList":
            out["groups"] = [
                {"name": g["name"], "versions": [v["version"] for v in g["versions"]],
                 "preferred": g["preferredVersion"]["version"]}
                for g in body["groups"]
            ]
        elif kind == "APIResourceList":
            out["resources"][body["groupVersion"]] = body["resources"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(out['resources'])} group-versions)")




SCHEMA_OUT = Path(__file__).resolve().parent / "schema-v1.36.json"


def _node(spec: dict) -> dict:
    """Keep only what merges, apply and validation need from one OpenAPI v2 property."""
    out: dict = {}
    if "$ref" in spec:
        out["r"] = spec["$ref"].rsplit("/", 1)[1].removeprefix("io.k8s.")
    for src, dst in (("type", "t"), ("format", "f"), ("x-kubernetes-list-type", "lt"),
                     ("x-kubernetes-list-map-keys", "k"), ("x-kubernetes-patch-merge-key", "pmk"),
                     ("x-kubernetes-patch-strategy", "ps"), ("x-kubernetes-map-type", "mt"), ("enum", "e")):
        if src in spec:
            out[dst] = spec[src]
    if "items" in spec:
        out["i"] = _node(spec["items"])
    if isinstance(spec.get("additionalProperties"), dict):
        out["a"] = _node(spec["additionalProperties"])
    return out


def schema_main(openapi_v2_gz: str) -> None:
    import gzip

    doc = json.load(gzip.open(openapi_v2_gz))
    defs, roots = {}, {}
    for name, d in doc["definitions"].items():
        short = name.removeprefix("io.k8s.")
        entry = _node(d)
        if d.get("properties"):
            entry["p"] = {p: _node(s) for p, s in d["properties"].items()}
        if d.get("required"):
            entry["req"] = d["required"]
        defs[short] = entry
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            gv = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            roots[f"{gv}/{gvk['kind']}"] = short
    v3_dir = Path(openapi_v2_gz).parent
    _add_key_defaults(defs, sorted(v3_dir.glob("openapi-v3-*.json.gz")))
    SCHEMA_OUT.write_text(json.dumps({"roots": roots, "defs": defs}, separators=(",", ":")) + "\n")
    print(f"wrote {SCHEMA_OUT} ({SCHEMA_OUT.stat().st_size} bytes, {len(defs)} definitions)")


def _add_key_defaults(defs: dict, v3_docs: list) -> None:
    """Mark list-map keys that have a schema default (``kd`` on the list node, e.g. ports' protocol TCP).

    Only OpenAPI v3 carries ``default``; server-side apply keys an applied list item by its
    defaulted key, so ``{containerPort: 80}`` is the same item as the stored ``{80, TCP}``.
    """
    import gzip

    prop_defaults: dict[str, dict] = {}
    for path in v3_docs:
        for name, d in json.load(gzip.open(path))["components"]["schemas"].items():
            for p, s in (d.get("properties") or {}).items():
                if "default" in s and not isinstance(s["default"], (dict, list)):
                    prop_defaults.setdefault(name.removeprefix("io.k8s."), {})[p] = s["default"]
    for entry in defs.values():
        for node in (entry.get("p") or {}).values():
            item = (node.get("i") or {}).get("r")
            if node.get("k") and item in prop_defaults:
                kd = {k: prop_defaults[item][k] for k in node["k"] if k in prop_defaults[item]}
                if kd:
                    node["kd"] = kd


COLUMNS_OUT = Path(__file__).resolve().parent / "table-columns-v1.36.json"
# the API fields whose documentation kube-apiserver's printers use as Table column descriptions
# (pkg/printers/internalversion/printers.go: ``SwaggerDoc()[field]``)
COLUMN_FIELDS = [
    "core.v1.ConfigMap.data", "core.v1.Secret.data", "core.v1.Secret.type", "core.v1.ServiceSpec.type",
    "core.v1.ServiceSpec.clusterIP", "core.v1.ServiceSpec.externalIPs", "core.v1.ServiceSpec.ports",
    "core.v1.ServiceSpec.selector", "core.v1.PodStatus.podIP", "core.v1.PodSpec.nodeName",
    "core.v1.PodStatus.nominatedNodeName", "core.v1.PodSpec.readinessGates", "core.v1.PodSpec.nodeSelector",
    "apps.v1.DeploymentStatus.updatedReplicas", "apps.v1.DeploymentStatus.availableReplicas",
    "apps.v1.DeploymentSpec.selector", "apps.v1.ReplicaSetSpec.replicas", "apps.v1.ReplicaSetStatus.replicas",
    "apps.v1.ReplicaSetStatus.readyReplicas", "apps.v1.ReplicaSetSpec.selector",
    "apps.v1.DaemonSetStatus.desiredNumberScheduled", "apps.v1.DaemonSetStatus.currentNumberScheduled",
    "apps.v1.DaemonSetStatus.numberReady", "apps.v1.DaemonSetStatus.updatedNumberScheduled",
    "apps.v1.DaemonSetStatus.numberAvailable", "apps.v1.DaemonSetSpec.selector", "batch.v1.JobStatus.succeeded",
    "batch.v1.JobSpec.selector", "batch.v1.CronJobSpec.schedule", "batch.v1.CronJobSpec.timeZone",
    "batch.v1.CronJobSpec.suspend", "batch.v1.CronJobStatus.active", "batch.v1.CronJobStatus.lastScheduleTime",
    "autoscaling.v2.HorizontalPodAutoscalerSpec.scaleTargetRef", "autoscaling.v2.HorizontalPodAutoscalerSpec.metrics",
    "autoscaling.v2.HorizontalPodAutoscalerSpec.minReplicas", "autoscaling.v2.HorizontalPodAutoscalerSpec.maxReplicas",
    "autoscaling.v2.HorizontalPodAutoscalerStatus.currentReplicas", "core.v1.PersistentVolumeSpec.capacity",
    "core.v1.PersistentVolumeSpec.accessModes", "core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy",
    "core.v1.PersistentVolumeStatus.phase", "core.v1.PersistentVolumeSpec.claimRef",
    "core.v1.PersistentVolumeStatus.reason", "core.v1.PersistentVolumeSpec.volumeMode",
    "core.v1.PersistentVolumeClaimStatus.phase", "core.v1.PersistentVolumeClaimSpec.volumeName",
    "core.v1.PersistentVolumeClaimStatus.capacity", "core.v1.PersistentVolumeClaimStatus.accessModes",
    "core.v1.PersistentVolumeClaimSpec.volumeMode", "core.v1.NodeSystemInfo.kubeletVersion",
    "core.v1.NodeStatus.addresses", "core.v1.NodeSystemInfo.osImage", "core.v1.NodeSystemInfo.kernelVersion",
    "core.v1.NodeSystemInfo.containerRuntimeVersion", "storage.v1.StorageClass.provisioner",
    "storage.v1.StorageClass.reclaimPolicy", "storage.v1.StorageClass.volumeBindingMode",
    "storage.v1.StorageClass.allowVolumeExpansion", "core.v1.ReplicationControllerSpec.replicas",
    "core.v1.ReplicationControllerStatus.replicas", "core.v1.ReplicationControllerStatus.readyReplicas",
    "core.v1.ReplicationControllerSpec.selector",
]


def columns_main(openapi_v2_gz: str) -> None:
    """Field docs as Go's SwaggerDoc() has them (without the generator's "Possible enum values")."""
    import gzip

    defs = json.load(gzip.open(openapi_v2_gz))["definitions"]
    out = {}
    for f in COLUMN_FIELDS:
        defn, field = f.rsplit(".", 1)
        desc = defs["io.k8s.api." + defn]["properties"][field].get("description", "")
        out[f] = desc.split("\n\nPossible enum values:")[0]
    COLUMNS_OUT.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {COLUMNS_OUT} ({len(out)} column descriptions)")


if __name__ == "__main__":
    root = Path(sys.argv[1])
    main(str(root / "exchanges" / "01-discovery.jsonl"))
    schema_main(str(root / "openapi" / "openapi-v2.json.gz"))
    columns_main(str(root / "openapi" / "openapi-v2.json.gz"))
