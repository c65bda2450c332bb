"""--target-context: the profile's storage/ingress classes and served APIs come from the live target."""

from __future__ import annotations

from migrate.data import load_target_profile
from migrate.plan.profile_live import live_profile, profile_from_cluster_facts


def test_cluster_facts_replace_the_profile_assumptions():
    base, _ = load_target_profile("rke2")
    p = profile_from_cluster_facts(
        base, {"major": "1", "minor": "34+"}, ["v1", "apps/v1", "networking.k8s.io/v1"],
        [{"metadata": {"name": "fast", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "driver.longhorn.io", "allowVolumeExpansion": True, "volumeBindingMode": "WaitForFirstConsumer"}],
        [{"metadata": {"name": "traefik"}, "spec": {"controller": "traefik.io/ingress-controller"}}], ["widgets.acme.io"])
    assert (p.kubernetes.min_minor, p.kubernetes.default) == (34, "1.34")
    sc = p.default_storage_class()
    assert sc.name == "fast" and "ReadWriteMany" in sc.access_modes  # capabilities of a known provisioner carried over
    assert p.default_ingress_class().flavour == "traefik"
    assert p.served_api_versions == ["apps/v1", "networking.k8s.io/v1", "v1"] and p.crds == ["widgets.acme.io"]


def test_live_profile_from_the_simulated_rke2():
    from migrate.sim import serve

    base, _ = load_target_profile("rke2")
    with serve("rke2") as sim:
        p = live_profile(base, kubeconfig=str(sim.kubeconfig), context=sim.name)
    assert p.kubernetes.default == "1.35"
    assert "apps/v1" in p.served_api_versions and "batch/v1beta1" not in p.served_api_versions
