"""Fixtures of the cutover integration tests; the helpers live in cutover_env.py."""

from __future__ import annotations

import pytest

from cutover_env import Env, merge_kubeconfigs, source_objects, target_objects, write_plan


@pytest.fixture
def clusters(tmp_path):
    from migrate.sim import serve

    with serve(None, name="src", workload_sim=True) as src, serve(None, name="tgt", workload_sim=True) as tgt:
        objs = source_objects()
        for o in objs:
            src.store.put(o)
        for o in target_objects():
            tgt.store.put(o)
        kc = merge_kubeconfigs(tmp_path / "kubeconfig", src.kubeconfig, tgt.kubeconfig)
        plan = write_plan(tmp_path / "plan", objs)
        yield Env(src, tgt, kc, plan, tmp_path)
