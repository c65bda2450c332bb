"""Playbook messages name the detected distros; a playbook's literal names get a note on mismatch."""

from __future__ import annotations

from types import SimpleNamespace as NS

from migrate.models.state import RunState
from migrate.playbook import distros


def ctx(source=None, target=None, warnings=()):
    state = RunState(run_id="r", playbook="p", playbook_name="tkg-to-eks", playbook_digest="d", engine="native",
                     source_distro=source, target_distro=target, warnings=list(warnings))
    return NS(state=state, playbook=NS(name="tkg-to-eks", source={"distro": "tkg"}, target={"distro": "eks"}))


def test_placeholders_take_the_detected_names_else_the_declared_ones():
    text = "{target} copy verified. Next: scale the {source} workloads to 0"
    assert distros.render(ctx("dkp", "rke2"), text) == "RKE2 copy verified. Next: scale the DKP workloads to 0"
    assert distros.render(ctx(), text) == "EKS copy verified. Next: scale the TKG workloads to 0"
    c = ctx("openshift")
    c.playbook = NS(name="generic", source={}, target={})
    assert distros.render(c, "{target} ready") == "the target ready"


def test_literal_playbook_text_gets_a_note_only_on_a_mismatch():
    mismatch = ctx("dkp", "rke2", ["playbook distro mismatch (source): ..."])
    out = distros.render(mismatch, "EKS copy verified", playbook_text=True)
    assert out.startswith("EKS copy verified") and "these clusters are DKP -> RKE2" in out
    assert distros.render(mismatch, "install these add-ons") == "install these add-ons"  # not the playbook's words
    assert distros.render(ctx("tkg", "eks"), "EKS copy verified", playbook_text=True) == "EKS copy verified"


def test_compatible_families():
    assert distros.compatible("tkg", "tkgs") and distros.compatible("kubeadm", "kind")
    assert not distros.compatible("eks", "rke2")
