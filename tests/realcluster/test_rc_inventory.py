"""`distroshift inventory -n NS` on the cluster: everything the app created, no Secret value anywhere,
a plausible distro."""

from __future__ import annotations

import json

from rc_app import ds, expected_distro, load_json, text_files


def test_inventory_lists_every_object_and_never_a_secret_value(kube_target, app, context_name, out):
    r = ds("inventory", "--kubeconfig", kube_target.kubeconfig, "--context", context_name, "-n", app.namespace,
           "--out", out / "inventory.json", "-o", "json")
    assert r.rc == 0, r.why()

    inv = load_json(out / "inventory.json")
    assert inv["complete"] is True
    assert inv["namespaces_filter"] == [app.namespace]
    objects = [json.loads(line) for line in (out / "inventory.objects.jsonl").read_text().splitlines() if line.strip()]
    found = {(o["kind"], (o["metadata"].get("namespace") or ""), o["metadata"]["name"]) for o in objects}
    missing = [(k, n) for k, n in app.objects if (k, app.namespace, n) not in found]
    assert not missing, f"created but not inventoried: {missing}"
    assert ("CustomResourceDefinition", "", f"widgets.{app.crd_group}") in found  # the CR's definition comes along
    # nothing from other namespaces leaks into a -n inventory
    assert {ns for _k, ns, _n in found} <= {app.namespace, ""}
    assert inv["object_count"] == len(objects)

    # the Secret is listed by name and keys, its values nowhere: files, stdout, stderr
    (secret,) = [s for s in inv["secrets"] if s["ref"]["name"] == "web-credentials"]
    assert secret["keys"] == ["password", "username"] and secret["ref"]["namespace"] == app.namespace
    blobs = [(str(p), t) for p, t in text_files(out)] + [("stdout", r.stdout), ("stderr", r.stderr)]
    leaks = [where for where, text in blobs for needle in app.secret_needles() if needle in text]
    assert not leaks, f"the Secret value appears in {leaks}"

    # a plausible distro, with the evidence it was concluded from
    distro = inv["detection"]["distro"]
    assert distro["id"] and distro["evidence"], distro
    want = "kubeadm" if kube_target.is_sim else expected_distro(context_name)
    if want:
        assert distro["id"] == want, f"context {context_name}: detected {distro['id']} from {distro['evidence']}"
    assert inv["cluster"]["uid"]  # the kube-system uid: what cutover identity checks rely on
