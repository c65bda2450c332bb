"""Business workloads a customer really runs on a SOURCE cluster (shop, payments, analytics).

The skeleton is shared; everything that ties the workload to its distribution (registry, storage
class, ingress flavour, node labels, load-balancer annotations) comes from a Flavor, so the
migration planner has distro-specific things to rewrite.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

from .common import (RESTRICTED, Obj, Snapshot, b64, bound_pvc_pv, claim_template, config_map, container, cronjob,
                     deployment, helm_annotations, helm_labels, helm_release_secret, hpa, ingress, last_applied,
                     meta, namespace, network_policy, pdb, pod_spec, port, res, role, role_binding, sa_subject,
                     secret, service, service_account, statefulset)


@dataclass
class Flavor:
    registry: str                      # source-internal registry prefix for the customer's images
    storage_class: str
    provisioner: str
    volume_handle: Callable[[str], str]
    apps_domain: str
    ingress: Callable[[Snapshot, str, str, str, str, int], list[Obj]]   # (snap, ns, name, host, svc, port)
    lb_annotations: dict
    lb_ingress: list
    worker_selector: dict              # source-only node label a pinned workload selects
    affinity_key: str                  # source-only label used in required node affinity
    affinity_values: list
    service_cidr: str
    ns_labels: dict = field(default_factory=dict)
    ns_annotations: Callable[[str], dict] = lambda ns: {}
    csi_attrs: Callable[[str], dict] | None = None
    pv_node_affinity: dict | None = None
    fs: str = "ext4"
    old_ingress_class_annotation: str | None = None   # value of kubernetes.io/ingress.class on the legacy ingress
    extra_tolerations: list = field(default_factory=list)
    created_days: float = 60


def _ns(snap: Snapshot, f: Flavor, name: str, extra_labels: dict) -> None:
    labels = dict(f.ns_labels)
    labels.update(extra_labels)
    snap.add("00-namespaces.yaml", namespace(name, labels=labels, annotations=f.ns_annotations(name) or None),
             days=f.created_days)


def _pvcs(snap: Snapshot, f: Flavor, sts: Obj, tmpl: str, size: str, file: str, labels: dict) -> None:
    ns = sts["metadata"]["namespace"]
    for i in range(sts["spec"]["replicas"]):
        pvc_name = f"{tmpl}-{sts['metadata']['name']}-{i}"
        pvc, pv = bound_pvc_pv(snap, pvc_name, ns, sc=f.storage_class, provisioner=f.provisioner, size=size,
                               volume_handle=f.volume_handle(f"{ns}/{pvc_name}"), labels=labels,
                               csi_attrs=f.csi_attrs(pvc_name) if f.csi_attrs else None,
                               node_affinity=f.pv_node_affinity, fs=f.fs)
        snap.add(file, pvc, days=f.created_days + 1)
        snap.add("60-volumes.yaml", pv, days=f.created_days + 1)


def shop(snap: Snapshot, f: Flavor, *, d: float | None = None) -> None:
    ns = "shop"
    d = f.created_days if d is None else d
    file = "50-workloads/shop.yaml"
    _ns(snap, f, ns, {"team": "commerce", "cost-center": "cc-4711"})
    app = {"app": "storefront"}
    cm = config_map("storefront-config", ns, {
        "APP_ENV": "production", "CATALOG_URL": "http://catalog.shop.svc.cluster.local:8080",
        "DB_HOST": "postgres.shop.svc.cluster.local", "REDIS_HOST": "redis-master.shop.svc.cluster.local",
        "application.yaml": "server:\n  port: 8080\nfeatures:\n  recommendations: true\n  giftcards: false\n"},
        labels=app)
    sec = secret("storefront-secrets", ns, {"DB_PASSWORD": "not-a-real-password",
                                            "SESSION_KEY": "fake-session-key-0000000000000000",
                                            "STRIPE_API_KEY": "sk_test_FAKE_NOT_A_REAL_KEY"}, labels=app)
    sa = service_account("storefront", ns, labels=app)
    r = role("storefront-config-reader", ns, [{"apiGroups": [""], "resources": ["configmaps"],
                                               "verbs": ["get", "list", "watch"]}])
    rb = role_binding("storefront-config-reader", ns, "Role", "storefront-config-reader",
                      [sa_subject("storefront", ns)])
    web = container("storefront", f"{f.registry}/shop/storefront:2.14.1", ports=[port(8080, "http")],
                    env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "DB_PASSWORD",
                                                                                "name": "storefront-secrets"}}}],
                    resources=res("250m", "512Mi", "1", "1Gi"), probes=True, security=RESTRICTED,
                    volume_mounts=[{"mountPath": "/tmp", "name": "tmp"}])
    web["envFrom"] = [{"configMapRef": {"name": "storefront-config"}}]
    spec = pod_spec([web], sa="storefront", volumes=[{"emptyDir": {}, "name": "tmp"}],
                    extra={"imagePullSecrets": [{"name": "regcred"}],
                           "topologySpreadConstraints": [{"labelSelector": {"matchLabels": app}, "maxSkew": 1,
                                                          "topologyKey": "kubernetes.io/hostname",
                                                          "whenUnsatisfiable": "ScheduleAnyway"}]})
    dep = deployment("storefront", ns, spec, replicas=3, labels={"app": "storefront", "tier": "web",
                                                                 "app.kubernetes.io/part-of": "shop"},
                     selector=app, ts=snap.ts(d))
    svc = service(snap, "storefront", ns, [{"name": "http", "port": 80, "targetPort": "http"}], selector=app,
                  labels=app, cidr=f.service_cidr)
    regcred = secret("regcred", ns, {".dockerconfigjson": '{"auths":{"%s":{"username":"robot$shop-pull",'
                                                         '"password":"FAKE","auth":"RkFLRQ=="}}}'
                                     % f.registry.split("/")[0]},
                     type_="kubernetes.io/dockerconfigjson")
    h = hpa("storefront", ns, "storefront", 3, 10, current=3)
    p = pdb("storefront", ns, app, min_available=2, expected=3)
    # applied with kubectl when the manifest still said policy/v1beta1 (removed in 1.25)
    p["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration":
                                    last_applied({"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget",
                                                  "metadata": {"name": "storefront", "namespace": ns},
                                                  "spec": {"minAvailable": 2, "selector": {"matchLabels": app}}},
                                                 "policy/v1beta1")}
    snap.add(file, cm, sec, regcred, sa, r, rb, dep, svc, h, p, days=d)
    snap.add(file, *f.ingress(snap, ns, "storefront", f"shop.{f.apps_domain}", "storefront", 80), days=d)

    # PostgreSQL StatefulSet on the source's storage class
    pg = {"app": "postgres"}
    pgc = container("postgres", f"{f.registry}/library/postgres:14.10", ports=[port(5432, "postgres")],
                    env=[{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password",
                                                                                      "name": "postgres-auth"}}},
                         {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
                    resources=res("500m", "1Gi", "2", "4Gi"),
                    volume_mounts=[{"mountPath": "/var/lib/postgresql/data", "name": "data"}])
    pgc["readinessProbe"] = {"exec": {"command": ["pg_isready", "-U", "postgres"]}, "failureThreshold": 3,
                             "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 5}
    pgspec = pod_spec([pgc], extra={"securityContext": {"fsGroup": 999, "runAsUser": 999}})
    sts = statefulset("postgres", ns, pgspec, replicas=2, service="postgres", selector=pg,
                      labels={"app": "postgres", "tier": "db"},
                      claims=[claim_template("data", f.storage_class, "50Gi", labels=pg)])
    snap.add(file, secret("postgres-auth", ns, {"password": "fake-postgres-password", "username": "postgres"}),
             service(snap, "postgres", ns, [{"name": "postgres", "port": 5432}], selector=pg, labels=pg,
                     headless=True, cidr=f.service_cidr),
             sts, days=d)
    _pvcs(snap, f, sts, "data", "50Gi", file, pg)

    np = network_policy("allow-storefront-to-postgres", ns, pg,
                        [{"podSelector": {"matchLabels": app}}], ports=[5432])
    cj_spec = pod_spec([container("report", f"{f.registry}/shop/report-job:1.3.0",
                                  args=["--since=24h", "--to=s3://reports/shop"],
                                  resources=res("100m", "256Mi", mem_lim="512Mi"))],
                       extra={"restartPolicy": "OnFailure"})
    cj = cronjob("nightly-report", ns, "30 2 * * *", cj_spec, labels={"app": "nightly-report"},
                 last=snap.ts(days=89.1))
    cj["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration":
                                     last_applied(copy.deepcopy(cj), "batch/v1beta1")}
    snap.add(file, np, cj, days=d)
    redis_helm(snap, f, ns, file, d)


def redis_helm(snap: Snapshot, f: Flavor, ns: str, file: str, d: float) -> None:
    """bitnami/redis installed with `helm install` on the old cluster: the live objects plus the
    release Secret whose manifest still renders policy/v1beta1 (what `helm upgrade` will choke on)."""
    rel, chart, ver, appv = "redis", "redis", "16.13.2", "6.2.7"
    lab = helm_labels(rel, chart, ver, appv)
    ann = helm_annotations(rel, ns)
    sel = {"app.kubernetes.io/instance": rel, "app.kubernetes.io/name": chart, "app.kubernetes.io/component": "master"}
    objs: list[Obj] = []
    objs.append({"apiVersion": "v1", "kind": "ServiceAccount",
                 "metadata": meta("redis", ns, labels=lab, annotations=ann), "automountServiceAccountToken": True})
    objs.append(secret("redis", ns, {"redis-password": "fake-redis-password"}, labels=lab, annotations=ann))
    objs.append(config_map("redis-configuration", ns, {"redis.conf": "appendonly yes\nsave \"\"\n",
                                                        "master.conf": "dir /data\nrename-command FLUSHDB \"\"\n"},
                           labels=lab, annotations=ann))
    objs.append(service(snap, "redis-headless", ns, [{"name": "tcp-redis", "port": 6379, "targetPort": "redis"}],
                        selector={"app.kubernetes.io/instance": rel, "app.kubernetes.io/name": chart},
                        labels=lab, annotations=ann, headless=True, cidr=f.service_cidr))
    objs.append(service(snap, "redis-master", ns, [{"name": "tcp-redis", "port": 6379, "targetPort": "redis"}],
                        selector=sel, labels=dict(lab, **{"app.kubernetes.io/component": "master"}),
                        annotations=ann, cidr=f.service_cidr))
    rc = container("redis", f"docker.io/bitnami/redis:{appv}-debian-11-r11", ports=[port(6379, "redis")],
                   env=[{"name": "REDIS_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "redis-password",
                                                                                  "name": "redis"}}}],
                   security={"runAsUser": 1001},
                   volume_mounts=[{"mountPath": "/data", "name": "redis-data"},
                                  {"mountPath": "/opt/bitnami/redis/etc/", "name": "config"}])
    spec = pod_spec([rc], sa="redis", extra={"securityContext": {"fsGroup": 1001}},
                    volumes=[{"configMap": {"defaultMode": 420, "name": "redis-configuration"}, "name": "config"}])
    sts = statefulset("redis-master", ns, spec, replicas=1, service="redis-headless", selector=sel,
                      labels=dict(lab, **{"app.kubernetes.io/component": "master"}), annotations=ann,
                      claims=[claim_template("redis-data", f.storage_class, "8Gi",
                                             labels={"app.kubernetes.io/instance": rel,
                                                     "app.kubernetes.io/component": "master",
                                                     "app.kubernetes.io/name": chart})])
    objs.append(sts)
    live_pdb = pdb("redis-master", ns, sel, max_unavailable=1, expected=1)
    live_pdb["metadata"]["labels"] = lab
    live_pdb["metadata"]["annotations"] = ann
    objs.append(live_pdb)
    # the manifest Helm stored: what the chart rendered back then, PDB still policy/v1beta1
    manifest = []
    for o in objs:
        m = copy.deepcopy(o)
        m.pop("status", None)
        m["metadata"] = {k: v for k, v in m["metadata"].items() if k in ("name", "namespace", "labels")}
        m["metadata"].pop("namespace", None)
        if m["kind"] == "PodDisruptionBudget":
            m["apiVersion"] = "policy/v1beta1"
            m["_source"] = "redis/templates/master/pdb.yaml"
        if m["kind"] == "Service":
            for k in ("clusterIP", "clusterIPs", "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy"):
                m["spec"].pop(k, None)
        manifest.append(m)
    rel_secret = helm_release_secret(rel, ns, chart=chart, chart_version=ver, app_version=appv, manifest=manifest,
                                     deployed=snap.ts(d), values={"auth": {"existingSecret": ""},
                                                                  "architecture": "standalone",
                                                                  "master": {"persistence": {
                                                                      "storageClass": f.storage_class}}})
    snap.add(file, *objs, rel_secret, days=d)
    _pvcs(snap, f, sts, "redis-data", "8Gi", file, {"app.kubernetes.io/instance": rel,
                                                     "app.kubernetes.io/component": "master",
                                                     "app.kubernetes.io/name": chart})


def payments(snap: Snapshot, f: Flavor, *, d: float | None = None) -> None:
    ns = "payments"
    d = (f.created_days if d is None else d) + 5
    file = "50-workloads/payments.yaml"
    _ns(snap, f, ns, {"team": "payments", "compliance": "pci-dss"})
    app = {"app": "payments-api"}
    api = container("payments-api", f"{f.registry}/payments/payments-api:4.2.0@sha256:"
                    + "8f3b0e1c2d4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e",
                    ports=[port(8443, "https"), port(9090, "metrics")],
                    env=[{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
                         {"name": "DB_URL", "valueFrom": {"secretKeyRef": {"key": "url",
                                                                           "name": "payments-db-credentials"}}}],
                    resources=res("500m", "1Gi", "2", "2Gi"), probes=True, port_for_probe=9090,
                    probe_path="/actuator/health", security=RESTRICTED,
                    volume_mounts=[{"mountPath": "/etc/tls", "name": "tls", "readOnly": True}])
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": f.affinity_key, "operator": "In", "values": f.affinity_values}]}]}},
        "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"podAffinityTerm": {
            "labelSelector": {"matchLabels": app}, "topologyKey": "kubernetes.io/hostname"}, "weight": 100}]}}
    spec = pod_spec([api], sa="payments-api", volumes=[{"name": "tls", "secret": {"defaultMode": 420,
                                                                                    "secretName": "payments-tls"}}],
                    extra={"affinity": affinity, "nodeSelector": dict(f.worker_selector),
                           "imagePullSecrets": [{"name": "regcred"}],
                           "tolerations": [{"effect": "NoSchedule", "key": "dedicated", "operator": "Equal",
                                            "value": "payments"}] + list(f.extra_tolerations),
                           "priorityClassName": "payments-critical"})
    dep = deployment("payments-api", ns, spec, replicas=2, labels={"app": "payments-api", "tier": "api"},
                     selector=app, ts=snap.ts(d), pod_annotations={"prometheus.io/scrape": "true",
                                                                   "prometheus.io/port": "9090"})
    snap.add("50-workloads/payments.yaml",
             {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": meta("payments-critical"),
              "value": 1000000, "globalDefault": False, "preemptionPolicy": "PreemptLowerPriority",
              "description": "Payments API pods evict batch work."}, days=d)
    snap.add(file, service_account("payments-api", ns, labels=app),
             role_binding("payments-api-view", ns, "ClusterRole", "view", [sa_subject("payments-api", ns)]),
             secret("payments-db-credentials", ns, {"url": "jdbc:postgresql://pg.payments.internal:5432/payments",
                                                    "username": "payments_app", "password": "fake-password"}),
             secret("payments-tls", ns, {"tls.crt": "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n",
                                         "tls.key": "-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----\n"},
                    type_="kubernetes.io/tls"),
             secret("regcred", ns, {".dockerconfigjson": '{"auths":{"%s":{"auth":"RkFLRQ=="}}}'
                                    % f.registry.split("/")[0]}, type_="kubernetes.io/dockerconfigjson"),
             config_map("payments-api-config", ns, {"FRAUD_THRESHOLD": "0.82", "CURRENCIES": "EUR,USD,GBP"}),
             dep,
             service(snap, "payments-api", ns, [{"name": "https", "port": 443, "targetPort": "https"}],
                     selector=app, labels=app, cidr=f.service_cidr),
             service(snap, "payments-gateway", ns, [{"name": "https", "port": 443, "targetPort": 8443}],
                     selector=app, labels=app, type_="LoadBalancer", annotations=f.lb_annotations,
                     lb_ingress=f.lb_ingress, cidr=f.service_cidr),
             pdb("payments-api", ns, app, min_available=1, expected=2),
             {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": meta("default-deny-ingress", ns, generation=1),
              "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
             network_policy("allow-gateway", ns, app, [{"namespaceSelector": {"matchLabels": {
                 "kubernetes.io/metadata.name": "shop"}}}, {"ipBlock": {"cidr": "10.20.0.0/16"}}], ports=[8443]),
             days=d)
    # an Ingress first applied as extensions/v1beta1 (removed in 1.22) and converted by the apiserver since
    ing = ingress("payments-webhooks", ns, f"webhooks.{f.apps_domain}", "payments-api", 443,
                  annotations={"kubernetes.io/ingress.class": f.old_ingress_class_annotation}
                  if f.old_ingress_class_annotation else None, tls_secret="payments-tls", path="/webhooks")
    old = {"apiVersion": "extensions/v1beta1", "kind": "Ingress",
           "metadata": {"name": "payments-webhooks", "namespace": ns,
                        **({"annotations": {"kubernetes.io/ingress.class": f.old_ingress_class_annotation}}
                           if f.old_ingress_class_annotation else {})},
           "spec": {"rules": [{"host": f"webhooks.{f.apps_domain}", "http": {"paths": [
               {"backend": {"serviceName": "payments-api", "servicePort": 443}, "path": "/webhooks"}]}}],
               "tls": [{"hosts": [f"webhooks.{f.apps_domain}"], "secretName": "payments-tls"}]}}
    ing["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = \
        last_applied(old, "extensions/v1beta1")
    snap.add(file, ing, days=d)


def analytics(snap: Snapshot, f: Flavor, *, d: float | None = None) -> None:
    ns = "analytics"
    d = (f.created_days if d is None else d) + 12
    file = "50-workloads/analytics.yaml"
    _ns(snap, f, ns, {"team": "data"})
    app = {"app": "events-consumer"}
    c = container("consumer", f"{f.registry}/analytics/events-consumer:0.9.7",
                  env=[{"name": "KAFKA_BROKERS", "value": "kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092"},
                       {"name": "BATCH_SIZE", "value": "500"}],
                  resources=res("1", "2Gi", mem_lim="4Gi"),
                  volume_mounts=[{"mountPath": "/spool", "name": "spool"}])
    spec = pod_spec([c], volumes=[{"name": "spool", "persistentVolumeClaim": {"claimName": "events-spool"}}],
                    extra={"nodeSelector": dict(f.worker_selector)})
    dep = deployment("events-consumer", ns, spec, replicas=1, selector=app, ts=snap.ts(d),
                     strategy={"type": "Recreate"})
    pvc, pv = bound_pvc_pv(snap, "events-spool", ns, sc=f.storage_class, provisioner=f.provisioner, size="100Gi",
                           volume_handle=f.volume_handle(f"{ns}/events-spool"),
                           csi_attrs=f.csi_attrs("events-spool") if f.csi_attrs else None,
                           node_affinity=f.pv_node_affinity, fs=f.fs)
    etl = cronjob("etl-hourly", ns, "5 * * * *",
                  pod_spec([container("etl", f"{f.registry}/analytics/etl:2023.11.2",
                                      args=["run", "--window=1h"], resources=res("500m", "1Gi"))],
                           extra={"restartPolicy": "Never"}), last=snap.ts(days=89.9))
    snap.add(file,
             {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta("analytics-quota", ns),
              "spec": {"hard": {"limits.memory": "64Gi", "persistentvolumeclaims": "10", "requests.cpu": "16",
                                "requests.storage": "2Ti"}},
              "status": {"hard": {"limits.memory": "64Gi", "persistentvolumeclaims": "10", "requests.cpu": "16",
                                  "requests.storage": "2Ti"},
                         "used": {"limits.memory": "4Gi", "persistentvolumeclaims": "1", "requests.cpu": "1",
                                  "requests.storage": "100Gi"}}},
             {"apiVersion": "v1", "kind": "LimitRange", "metadata": meta("defaults", ns),
              "spec": {"limits": [{"default": {"cpu": "500m", "memory": "512Mi"},
                                   "defaultRequest": {"cpu": "100m", "memory": "128Mi"}, "type": "Container"}]}},
             config_map("etl-settings", ns, {"warehouse": "snowflake", "schema": "EVENTS_V2"}),
             secret("warehouse-credentials", ns, {"user": "ETL_SVC", "password": "fake-warehouse-password"}),
             pvc, dep, etl, days=d)
    snap.add("60-volumes.yaml", pv, days=d)


def all_business(snap: Snapshot, f: Flavor) -> None:
    shop(snap, f)
    payments(snap, f)
    analytics(snap, f)


__all__ = ["Flavor", "shop", "payments", "analytics", "all_business", "b64", "Any"]
