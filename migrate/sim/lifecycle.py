"""Deletion and the controllers behind it: finalizers, garbage collection, namespace termination."""
from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from . import patching
from .catalogue import ResourceType
from .metadata import _order_top, now_rfc3339
from .statuses import (
    StatusError, _details, cause_invalid, cause_not_supported, err_forbidden, err_method_not_allowed,
    err_not_found, err_options, status,
)


_ROOT_CA_NOTE = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
                 "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
                 "distributions of Kubernetes clusters.")


PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")


class LifecycleMixin:
    """Store methods: deletion and the controllers behind it (mixed into ``Store``)."""

    def delete(self, rt: ResourceType, ns: str | None, name: str, options: dict | None, *,
               dry_run: bool = False) -> tuple[int, dict]:
        """DELETE: (200, Status Success) when removed now, (200, object) while finalizers hold it."""
        if "delete" not in rt.verbs:
            raise err_method_not_allowed()
        options = dict(options or {})
        policy = self._check_delete_options(options, dry_run)
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            if cur is None:
                raise err_not_found(rt, name)
            self._check_preconditions(rt, cur, options.get("preconditions") or {})
            return self._delete_locked(rt, cur, policy, bool(dry_run or options.get("dryRun")))

    def _check_delete_options(self, options: dict, dry_run: Any) -> str | None:
        self._check_options("DeleteOptions", dry_run if dry_run else options.get("dryRun"), None)
        policy = options.get("propagationPolicy")
        if policy is not None and policy not in ("Foreground", "Background", "Orphan"):
            raise err_options("DeleteOptions", [cause_not_supported(
                "propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"])])
        if options.get("orphanDependents") is not None and policy is not None:
            raise err_options("DeleteOptions", [cause_invalid(
                "propagationPolicy", policy, "orphanDependents and deletionPropagation cannot be both set")])
        if options.get("orphanDependents") is True:
            policy = "Orphan"
        return policy

    def _check_preconditions(self, rt: ResourceType, cur: dict, pre: dict) -> None:
        meta = cur["metadata"]
        name = meta["name"]
        if pre.get("uid") and pre["uid"] != meta.get("uid"):
            raise StatusError(409, status(
                409, "Conflict", f'Operation cannot be fulfilled on {rt.kind} "{name}": the UID in the precondition '
                f"({pre['uid']}) does not match the UID in record ({meta.get('uid')}). The object might have been "
                "deleted and then recreated", _details(None, name, rt.kind)))
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
            raise StatusError(409, status(
                409, "Conflict", f'Operation cannot be fulfilled on {rt.kind} "{name}": the ResourceVersion in the '
                f"precondition ({pre['resourceVersion']}) does not match the ResourceVersion in record "
                f"({meta.get('resourceVersion')}). The object might have been modified", _details(None, name, rt.kind)))

    def _success(self, rt: ResourceType, obj: dict) -> dict:
        meta = obj["metadata"]
        d = _details(rt, meta["name"])
        d["uid"] = meta.get("uid")
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d}

    def _delete_locked(self, rt: ResourceType, cur: dict, policy: str | None, dry_run: bool) -> tuple[int, dict]:
        meta = cur["metadata"]
        name = meta["name"]
        is_ns = rt.group == "" and rt.resource == "namespaces"
        is_crd = rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions"
        if is_ns and name in PROTECTED_NAMESPACES:
            raise err_forbidden(rt, name, f'namespaces "{name}" is forbidden: this namespace may not be deleted')
        if meta.get("deletionTimestamp"):
            if is_ns and not (cur.get("spec") or {}).get("finalizers"):
                if not dry_run:
                    self._purge(rt, cur)
                return 200, self._out(rt, cur)
            return 200, self._out(rt, cur)
        new = copy.deepcopy(cur)
        nmeta = new["metadata"]
        stamp = now_rfc3339()
        if is_ns:
            nmeta["deletionTimestamp"] = stamp
            new.setdefault("status", {})["phase"] = "Terminating"
            if dry_run:
                return 200, self._out(rt, _order_top(new))
            committed = self._commit(rt, _order_top(new), cur, "MODIFIED")
            snapshot = self._out(rt, committed)
            self._schedule_namespace_finalize(name)
            return 200, snapshot
        if is_crd:
            return self._delete_crd(rt, cur, new, stamp, dry_run)
        finalizers = list(nmeta.get("finalizers") or [])
        if policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        is_pod = rt.group == "" and rt.resource == "pods"
        if finalizers or is_pod:
            nmeta["deletionTimestamp"] = stamp
            nmeta["deletionGracePeriodSeconds"] = 0
            if finalizers:
                nmeta["finalizers"] = finalizers
            if is_pod:
                nmeta["generation"] = int(nmeta.get("generation", 1)) + 1
            new = self._normalise(rt, new)
            if dry_run:
                return 200, self._out(rt, new)
            self._commit(rt, new, cur, "MODIFIED")
            snapshot = self._out(rt, new)
            self._run_finalizers(rt, new)
            return 200, snapshot
        if dry_run:
            return 200, self._success(rt, cur)
        self._purge(rt, cur, policy=policy)
        return 200, self._success(rt, cur)

    def _purge(self, rt: ResourceType, obj: dict, policy: str | None = None) -> None:
        """Remove an object for good (DELETED event) and collect its dependents."""
        t = self._table(rt)
        key = t.key(obj["metadata"].get("namespace", ""), obj["metadata"]["name"], rt.namespaced)
        if key not in t.objs:
            return
        gone = copy.deepcopy(t.objs[key])
        self._commit(rt, gone, t.objs[key], "DELETED")
        uid = gone["metadata"].get("uid")
        if policy == "Orphan":
            self._orphan_dependents(uid)
        else:
            self._collect_dependents(uid)
        if rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self.catalogue.remove_crd(gone["metadata"]["name"])
        if rt.namespaced:
            self._maybe_finish_namespace(gone["metadata"].get("namespace", ""))

    def _run_finalizers(self, rt: ResourceType, obj: dict) -> None:
        """The GC / CRD / namespace controllers' share of finalizers, done synchronously."""
        meta = obj["metadata"]
        fins = list(meta.get("finalizers") or [])
        handled = {"foregroundDeletion", "orphan"}
        if "foregroundDeletion" in fins:
            self._collect_dependents(meta.get("uid"))
        if "orphan" in fins:
            self._orphan_dependents(meta.get("uid"))
        left = [f for f in fins if f not in handled]
        t = self._table(rt)
        key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
        cur = t.objs.get(key)
        if cur is None:
            return
        if left:
            if left != fins:
                new = copy.deepcopy(cur)
                new["metadata"]["finalizers"] = left
                self._commit(rt, new, cur, "MODIFIED")
            return
        self._purge(rt, cur, policy="Orphan" if "orphan" in fins else None)

    def _dependents(self, uid: str | None) -> list[tuple[ResourceType, dict]]:
        if not uid:
            return []
        out = []
        for (group, resource), t in list(self._tables.items()):
            rt = self.catalogue.preferred(group, resource)
            if rt is None:
                continue
            for o in list(t.objs.values()):
                for ref in (o["metadata"].get("ownerReferences") or []):
                    if ref.get("uid") == uid:
                        out.append((rt, o))
                        break
        return out

    def _collect_dependents(self, uid: str | None) -> None:
        for rt, o in self._dependents(uid):
            refs = [r for r in o["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:  # another owner still holds it
                new = copy.deepcopy(o)
                new["metadata"]["ownerReferences"] = refs
                self._commit(rt, new, o, "MODIFIED")
                continue
            if o["metadata"].get("finalizers"):
                self._delete_locked(rt, o, None, False)
            else:
                self._purge(rt, o)

    def _orphan_dependents(self, uid: str | None) -> None:
        for rt, o in self._dependents(uid):
            new = copy.deepcopy(o)
            refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            self._commit(rt, new, o, "MODIFIED")

    def delete_collection(self, rt: ResourceType, ns: str | None, options: dict | None, *,
                          label_selector: str | None = None, field_selector: str | None = None,
                          dry_run: bool = False) -> tuple[int, dict]:
        """DELETE on a collection: (200, ``<Kind>List`` of the deleted items as they were)."""
        if "deletecollection" not in rt.verbs:
            raise err_method_not_allowed()
        options = dict(options or {})
        policy = self._check_delete_options(options, dry_run)
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        with self._lock:
            t = self._table(rt)
            items, _, _ = self._scan(rt, t, ns, lsel, fsel, 0, "")
            out_items = []
            for k, o in items:
                out = self._out(rt, o, k, t)
                if not rt.is_crd:
                    out.pop("kind", None)
                    out.pop("apiVersion", None)
                out_items.append(out)
                if not (dry_run or options.get("dryRun")):
                    self._delete_locked(rt, o, policy, False)
            meta = {"resourceVersion": str(self._rv)}
        if rt.is_crd:
            return 200, {"apiVersion": rt.api_version, "items": out_items, "kind": rt.list_kind, "metadata": meta}
        return 200, {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta, "items": out_items}

    def _namespace_content(self, ns: str) -> None:
        """What kube-controller-manager adds to every new namespace."""
        cm = self.catalogue.lookup("", "v1", "configmaps")
        sa = self.catalogue.lookup("", "v1", "serviceaccounts")
        now = now_rfc3339()
        if cm is not None:
            obj = {"kind": "ConfigMap", "apiVersion": "v1",
                   "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": str(uuid.uuid4()),
                                "creationTimestamp": now,
                                "annotations": {"kubernetes.io/description": _ROOT_CA_NOTE},
                                "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
                                                   "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
                                                   "fieldsV1": {"f:data": {".": {}, "f:ca.crt": {}},
                                                                "f:metadata": {"f:annotations": {
                                                                    ".": {}, "f:kubernetes.io/description": {}}}}}]},
                   "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n"}}
            if self._table(cm).key(ns, "kube-root-ca.crt", True) not in self._table(cm).objs:
                self._commit(cm, _order_top(obj), None, "ADDED")
        if sa is not None and self._table(sa).key(ns, "default", True) not in self._table(sa).objs:
            obj = {"kind": "ServiceAccount", "apiVersion": "v1",
                   "metadata": {"name": "default", "namespace": ns, "uid": str(uuid.uuid4()),
                                "creationTimestamp": now}}
            self._commit(sa, _order_top(obj), None, "ADDED")

    def _schedule(self, what: str, name: str, delay: float, work: Any) -> None:
        """Run controller ``work(name)`` after ``delay`` seconds (now when 0), under the store lock."""
        if delay <= 0 or self._closed:
            work(name)
            return

        def run() -> None:
            with self._lock:
                if self._pending.pop((what, name), None) is not None:
                    work(name)

        timer = threading.Timer(delay, run)
        timer.daemon = True
        self._pending[(what, name)] = timer
        timer.start()

    def _schedule_namespace_finalize(self, ns: str) -> None:
        self._schedule("namespace", ns, self.namespace_finalize_delay, self._finalize_namespace)

    def settle(self) -> None:
        """Run pending controller work (namespace finalization, CRD cleanup) now instead of after its delay."""
        with self._lock:
            while self._pending:
                (what, name), timer = next(iter(self._pending.items()))
                del self._pending[(what, name)]
                timer.cancel()
                (self._finalize_namespace if what == "namespace" else self._cleanup_crd)(name)

    def close(self) -> None:
        """Stop: cancel pending controller work and end every blocked watch (their threads return)."""
        with self._lock:
            self._closed = True
            for timer in self._pending.values():
                timer.cancel()
            self._pending.clear()
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def _finalize_namespace(self, ns: str) -> None:
        """The namespace controller: delete the contents, then drop the ``kubernetes`` finalizer."""
        # one pass writes the conditions once, at its end (not after every object it removes)
        self._ns_in_pass = ns
        try:
            for (group, resource), t in list(self._tables.items()):
                if not t.namespaced:
                    continue
                rt = self.catalogue.preferred(group, resource)
                if rt is None:
                    continue
                for name in list(t.by_ns.get(ns, [])):
                    o = t.objs.get(f"{ns}/{name}")
                    if o is not None and not o["metadata"].get("deletionTimestamp"):
                        self._delete_locked(rt, o, "Background", False)
        finally:
            self._ns_in_pass = None
        self._maybe_finish_namespace(ns)

    def _maybe_finish_namespace(self, ns: str) -> None:
        nst = self._table(self._ns_rt())
        nso = nst.objs.get(ns)
        if nso is None or not nso["metadata"].get("deletionTimestamp") or self._ns_in_pass == ns:
            return
        if not (nso.get("spec") or {}).get("finalizers"):
            return  # emptied before DELETE: stays Terminating until deleted again (as recorded)
        if self._write_namespace_conditions(ns):
            return
        self._purge(self._ns_rt(), nst.objs[ns])

    def _write_namespace_conditions(self, ns: str) -> bool:
        """The namespace controller's status.conditions on a terminating namespace (its five recorded
        conditions, written as kube-controller-manager via /status). True while content remains."""
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        for (group, resource), t in self._tables.items():
            if not t.namespaced:
                continue
            for name in t.by_ns.get(ns, []):
                o = t.objs.get(f"{ns}/{name}")
                if o is None:
                    continue
                gr = f"{resource}.{group}"  # the controller prints "configmaps." for the core group
                remaining[gr] = remaining.get(gr, 0) + 1
                for f in o["metadata"].get("finalizers") or []:
                    finalizers[f] = finalizers.get(f, 0) + 1
        content = (("True", "SomeResourcesRemain", "Some resources are remaining: " + ", ".join(
            f"{gr} has {n} resource instances" for gr, n in sorted(remaining.items())))
            if remaining else ("False", "ContentRemoved", "All content successfully removed"))
        fins = (("True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + ", ".join(
            f"{f} in {n} resource instances" for f, n in sorted(finalizers.items())))
            if finalizers else ("False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"))
        wanted = [
            ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
            ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
             "All legacy kube types successfully parsed"),
            ("NamespaceDeletionContentFailure", "False", "ContentDeleted",
             "All content successfully deleted, may be waiting on finalization"),
            ("NamespaceContentRemaining", *content),
            ("NamespaceFinalizersRemaining", *fins),
        ]
        ns_rt = self._ns_rt()
        cur = self._table(ns_rt).objs[ns]
        old = {c.get("type"): c for c in (cur.get("status") or {}).get("conditions") or []}
        now = now_rfc3339()
        conditions = []
        for ctype, st, reason, message in wanted:
            prev = old.get(ctype) or {}
            # a condition keeps its lastTransitionTime while its status stays the same
            since = prev.get("lastTransitionTime") if prev.get("status") == st else None
            conditions.append({"type": ctype, "status": st, "lastTransitionTime": since or now,
                               "reason": reason, "message": message})
        if [old.get(c["type"]) for c in conditions] != conditions:
            new = copy.deepcopy(cur)
            new.setdefault("status", {})["conditions"] = conditions
            new["metadata"]["managedFields"] = patching.updated_managed_fields(
                cur["metadata"].get("managedFields") or [], manager="kube-controller-manager", old=cur, new=new,
                node=self._node(ns_rt), schema=self.schema, api_version="v1", subresource="status", now=now,
                include_status=True)
            self._commit(ns_rt, _order_top(new), cur, "MODIFIED")
        return bool(remaining)
