"""Storage classes by capability; ingress class/annotations; LB annotations; Route -> Ingress."""

from __future__ import annotations

import jsonpatch

from factories import ingress_v1, route, rule_context, service, statefulset, pvc
from migrate.data import load_target_profile
from migrate.models.common import ObjectRef
from migrate.models.inventory import PVCInfo, StorageClassInfo
from migrate.rules import ingress, storage
from migrate.rules.base import Finding, Patch, Replace
from migrate.plan.validate import Validator


def _pvc(cls, modes):
    return PVCInfo(ref=ObjectRef(api_version="v1", kind="PersistentVolumeClaim", name="x", namespace="shop"), storage_class=cls, access_modes=modes)


def test_storage_classes_map_by_capability():
    rke2, _ = load_target_profile("rke2")
    classes = [StorageClassInfo(name="vsphere-raw-block-sc", provisioner="csi.vsphere.vmware.com", is_default=True, allow_volume_expansion=True),
               StorageClassInfo(name="nfs", provisioner="nfs.csi.k8s.io")]
    maps = {m.source_class: m for m in storage.map_storage_classes(classes, [_pvc(None, ["ReadWriteOnce"]), _pvc("nfs", ["ReadWriteMany"])], rke2)}
    # same provisioner wins for the vSphere class; RWX needs a class that offers it (longhorn)
    assert maps["vsphere-raw-block-sc"].target_class == "vsphere-csi-sc"
    assert maps["vsphere-raw-block-sc"].data_movement == "csi-snapshot-data-mover"
    assert maps["nfs"].target_class == "longhorn" and maps["nfs"].data_movement == "velero-fs-backup"


def test_no_class_with_the_access_mode_is_unmapped():
    kubeadm, _ = load_target_profile("kubeadm")
    (m,) = storage.map_storage_classes([StorageClassInfo(name="nfs", provisioner="nfs.csi.k8s.io")], [_pvc("nfs", ["ReadWriteMany"])], kubeadm)
    assert m.target_class is None and "ReadWriteMany" in m.reason


def test_claims_and_volume_claim_templates_are_rewritten():
    ctx = rule_context("eks", storage_map={"vsphere-raw-block-sc": "gp3", "nfs": None}, default_source_storage_class="vsphere-raw-block-sc")
    out = storage.claims(pvc("data", "shop", "vsphere-raw-block-sc"), ctx)
    assert out[0].ops == ({"op": "replace", "path": "/spec/storageClassName", "value": "gp3"},)
    sts = statefulset("pg", "shop", None)  # default class on the source
    (p,) = storage.volume_claim_templates(sts, ctx)
    assert p.ops[0] == {"op": "add", "path": "/spec/volumeClaimTemplates/0/spec/storageClassName", "value": "gp3"}
    blocked = storage.claims(pvc("share", "shop", "nfs", ["ReadWriteMany"]), ctx)
    assert any(isinstance(f, Finding) and f.code == "STORAGE_CLASS_UNMAPPED" and f.severity == "Blocker" for f in blocked)


def test_traefik_ingress_moves_to_nginx_with_translated_annotations():
    ing = ingress_v1("web", "shop", cls="kommander-traefik", annotations={
        "traefik.ingress.kubernetes.io/router.tls": "true",
        "traefik.ingress.kubernetes.io/router.middlewares": "shop-security-headers@kubernetescrd"})
    ctx = rule_context("rke2", distro="dkp", ingress_class_map={"kommander-traefik": "nginx"})
    out = ingress.ingress_class(ing, ctx)
    new = jsonpatch.apply_patch(ing, [op for o in out if isinstance(o, Patch) for op in o.ops])
    assert new["spec"]["ingressClassName"] == "nginx"
    ann = new["metadata"]["annotations"]
    assert ann == {"nginx.ingress.kubernetes.io/ssl-redirect": "true"}
    flagged = [o for o in out if isinstance(o, Finding) and o.code == "INGRESS_ANNOTATION_UNTRANSLATED"]
    assert len(flagged) == 1 and "router.middlewares" in flagged[0].message


def test_alb_target_gets_its_class_annotations():
    ing = ingress_v1("web", "shop", cls="contour")
    ctx = rule_context("eks", distro="tkg", ingress_class_map={"contour": "alb"})
    new = jsonpatch.apply_patch(ing, [op for o in ingress.ingress_class(ing, ctx) if isinstance(o, Patch) for op in o.ops])
    assert new["spec"]["ingressClassName"] == "alb"
    assert new["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-type"] == "ip"


def test_load_balancer_annotations_translated_or_flagged():
    svc = service("gw", "shop", type_="LoadBalancer", annotations={
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:1:certificate/x"})
    out = ingress.load_balancer_services(svc, rule_context("aks", distro="eks"))
    new = jsonpatch.apply_patch(svc, [op for o in out if isinstance(o, Patch) for op in o.ops])
    assert new["metadata"]["annotations"] == {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
    assert [o.code for o in out if isinstance(o, Finding)] == ["LB_ANNOTATION_UNTRANSLATED"]
    kept = ingress.load_balancer_services(svc, rule_context("eks", distro="eks"))
    assert all(op["op"] == "add" for o in kept if isinstance(o, Patch) for op in o.ops)  # EKS keeps AWS annotations


def test_route_becomes_a_valid_ingress_with_the_service_port():
    svc = service("storefront", "shop", ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}])
    r = route("storefront", "shop", target_port=8080, tls={"termination": "edge", "insecureEdgeTerminationPolicy": "Redirect"},
              annotations={"haproxy.router.openshift.io/timeout": "60s"})
    ctx = rule_context("kubeadm", distro="openshift", services={("shop", "storefront"): svc})
    out = ingress.route(r, ctx)
    (rep,) = [o for o in out if isinstance(o, Replace)]
    (ing,) = rep.objects
    rule = ing["spec"]["rules"][0]
    assert rule["host"] == "shop.apps.example.com"
    assert rule["http"]["paths"][0]["backend"] == {"service": {"name": "storefront", "port": {"number": 80}}}
    assert ing["spec"]["tls"] == [{"hosts": ["shop.apps.example.com"]}]
    assert ing["metadata"]["annotations"] == {"nginx.ingress.kubernetes.io/proxy-read-timeout": "60s"}
    assert Validator("1.33").validate(ing, ObjectRef.of(ing)) == []


def test_route_with_unknown_port_is_a_blocker_and_passthrough_is_flagged():
    svc = service("api", "shop", ports=[{"name": "grpc", "port": 9000, "targetPort": 9000, "protocol": "TCP"}])
    ctx = rule_context("kubeadm", distro="openshift", services={("shop", "api"): svc})
    out = ingress.route(route("api", "shop", target_port=8443), ctx)
    assert [o.code for o in out if isinstance(o, Finding)] == ["ROUTE_PORT_UNRESOLVED"] and not any(isinstance(o, Replace) for o in out)
    out = ingress.route(route("api", "shop", target_port="grpc", tls={"termination": "passthrough"}), ctx)
    assert any(isinstance(o, Replace) for o in out)
    assert any(isinstance(o, Finding) and o.code == "ROUTE_TLS_PASSTHROUGH" for o in out)


def test_route_is_native_on_an_openshift_target():
    assert ingress.route(route("x", "shop"), rule_context("openshift", distro="openshift")) == []
