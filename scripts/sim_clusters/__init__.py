"""Builders of the simulated clusters shipped in migrate/sim/clusters/ (see build_sim_clusters.py)."""
from __future__ import annotations

from typing import Callable

from . import dkp, eks, kubeadm, openshift, rke2, tkg
from .common import Snapshot

BUILDERS: dict[str, Callable[[], Snapshot]] = {
    "dkp": dkp.build,
    "tkg": tkg.build,
    "openshift": openshift.build,
    "rke2": rke2.build,
    "eks": eks.build,
    "kubeadm": kubeadm.build,
}
