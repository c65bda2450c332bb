"""The simulator's own lifecycle: stopping ends every thread it started, even with watches open."""

from __future__ import annotations

import threading
import time

import requests

from migrate.sim import serve


def _watch_until_closed(url: str, token: str, ca: str, opened: threading.Event, ended: list[str]) -> None:
    s = requests.Session()
    s.trust_env = False
    try:
        with s.get(f"{url}/api/v1/namespaces/default/configmaps", params={"watch": "true"},
                   headers={"Authorization": f"Bearer {token}"}, verify=ca, stream=True, timeout=30) as r:
            opened.set()
            for _ in r.iter_lines():
                pass
        ended.append("closed")
    except requests.RequestException as e:  # a reset is as good as a close here
        ended.append(type(e).__name__)
    finally:
        opened.set()


def test_stopping_the_server_ends_open_watches_and_all_its_threads():
    before = set(threading.enumerate())
    ended: list[str] = []
    with serve(None, workload_sim=False) as sim:
        sim.store.namespace_finalize_delay = 3600  # a pending controller timer must go too
        ns_rt = sim.store.catalogue.lookup("", "v1", "namespaces")
        sim.store.create(ns_rt, None, {"metadata": {"name": "gone"}})
        sim.store.delete(ns_rt, None, "gone", {})
        opened = threading.Event()
        client = threading.Thread(target=_watch_until_closed,
                                  args=(sim.url, sim.token, str(sim.ca_file), opened, ended))
        client.start()
        assert opened.wait(10)
        # a second, idle keep-alive connection
        keep = requests.Session()
        keep.trust_env = False
        assert keep.get(f"{sim.url}/version", verify=str(sim.ca_file)).status_code == 200
    client.join(10)
    assert ended, "the watch was still open after the server stopped"
    deadline = time.monotonic() + 5
    while True:
        leaked = [t for t in set(threading.enumerate()) - before if t is not client and t.is_alive()]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert leaked == [], f"threads left running after serve() exited: {[t.name for t in leaked]}"
    keep.close()


def test_a_closed_store_ends_watches_at_once():
    from migrate.sim.store import Store

    store = Store()
    cm = store.catalogue.lookup("", "v1", "configmaps")
    events: list[dict] = []
    t = threading.Thread(target=lambda: events.extend(store.watch(cm, "default", resource_version=str(store.rv))))
    t.start()
    time.sleep(0.1)
    store.close()
    t.join(5)
    assert not t.is_alive() and events == []
