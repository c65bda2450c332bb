"""Add-on detection: category, version and managed_by on real-shaped objects."""

from __future__ import annotations

from test_detect_distros import deploy, inventory_of, node


def _by_id(inv):
    return {a.id: a for a in inv.detection.addons}


def test_flux_helmrelease_gives_version_and_managed_by(tmp_path):
    # shape of dkp/kommander-applications@v2.8.3 services/traefik HelmRelease
    hr = {"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "metadata": {"name": "traefik", "namespace": "kommander"},
          "spec": {"chart": {"spec": {"chart": "traefik", "version": "10.33.0", "sourceRef": {"kind": "HelmRepository", "name": "helm-traefik-io", "namespace": "kommander-flux"}}},
                   "valuesFrom": [{"kind": "ConfigMap", "name": "traefik-10.33.0-d2iq-defaults"}]}}
    d = deploy("kommander", "kommander-traefik", "traefik:v2.9.10")
    d["metadata"]["labels"] = {"helm.toolkit.fluxcd.io/name": "traefik", "helm.toolkit.fluxcd.io/namespace": "kommander"}
    a = _by_id(inventory_of([node("n", "v1.27.11"), hr, d], tmp_path))["traefik"]
    assert a.category.value == "ingress"
    assert (a.version, a.managed_by, a.namespace) == ("10.33.0", "flux-helmrelease:kommander/traefik", "kommander")
    assert any(e.kind == "image" for e in a.evidence)


def test_kapp_packageinstall_matches_carvel_package_names(tmp_path):
    # shape of tanzu/community-edition PackageInstall examples
    pkgi = {"apiVersion": "packaging.carvel.dev/v1alpha1", "kind": "PackageInstall", "metadata": {"name": "cert-manager", "namespace": "tkg-packages"},
            "spec": {"packageRef": {"refName": "cert-manager.tanzu.vmware.com", "versionSelection": {"constraints": "1.7.2+vmware.3-tkg.3"}}},
            "status": {"version": "1.7.2+vmware.3-tkg.3"}}
    d = deploy("cert-manager", "cert-manager", "projects.registry.vmware.com/tkg/cert-manager-controller:v1.7.2_vmware.3")
    a = _by_id(inventory_of([node("n", "v1.24.9+vmware.1"), pkgi, d], tmp_path))["cert-manager"]
    assert (a.version, a.managed_by) == ("1.7.2+vmware.3-tkg.3", "kapp-packageinstall:tkg-packages/cert-manager")


def test_image_tag_version_and_bundled(tmp_path):
    objs = [node("n", "v1.27.1+k3s1", {"node.kubernetes.io/instance-type": "k3s"}),
            deploy("kube-system", "traefik", "rancher/mirrored-library-traefik:2.9.10"),
            deploy("kube-system", "svclb-traefik-1a2b3c", "rancher/klipper-lb:v0.4.3", kind="DaemonSet")]
    by = _by_id(inventory_of(objs, tmp_path))
    assert (by["traefik"].version, by["traefik"].managed_by) == ("2.9.10", "bundled")
    assert by["servicelb"].managed_by == "bundled"


def test_canal_is_not_reported_as_calico(tmp_path):
    objs = [node("n", "v1.28.1+rke2r1"), deploy("kube-system", "rke2-canal", "rancher/hardened-calico:v3.26.1-build20230802", kind="DaemonSet")]
    by = _by_id(inventory_of(objs, tmp_path))
    assert "canal" in by and "calico" not in by
    assert by["canal"].managed_by == "bundled"


def test_nothing_planted_nothing_detected(tmp_path):
    by = _by_id(inventory_of([node("n", "v1.29.2"), deploy("shop", "web", "nginx:1.25")], tmp_path))
    assert set(by) == set()
