"""CustomResourceDefinitions: establishing names, Terminating deletion with CR cleanup, CR schema checks and warnings."""
from __future__ import annotations

import copy

from . import patching
from .catalogue import ResourceType
from .metadata import _order_top, _same_status, _set_condition, now_rfc3339
from .statuses import err_forbidden, err_invalid
from .validation import _apply_schema_defaults, _validate_schema


_CRD_CLEANUP = "customresourcecleanup.apiextensions.k8s.io"


class CrdMixin:
    """Store methods: customResourceDefinitions (mixed into ``Store``)."""

    def _establish_crd(self, crd: dict, update: bool = False) -> None:
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        assert crd_rt is not None
        spec = crd.get("spec") or {}
        names = dict(spec.get("names") or {})
        conflict = None
        for other in self._table(crd_rt).objs.values():
            if other["metadata"]["name"] == crd["metadata"]["name"]:
                continue
            os_ = other.get("spec") or {}
            if os_.get("group") == spec.get("group"):
                on = os_.get("names") or {}
                if on.get("kind") == names.get("kind"):
                    conflict = ("KindConflict", f'"{names.get("kind")}" is already in use')
                elif on.get("listKind") == names.get("listKind"):
                    conflict = ("ListKindConflict", f'"{names.get("listKind")}" is already in use')
        now = now_rfc3339()
        names.setdefault("singular", names.get("kind", "").lower())
        names.setdefault("listKind", names.get("kind", "") + "List")
        st = {"conditions": [], "acceptedNames": {}, "storedVersions": [v["name"] for v in spec.get("versions", [])
                                                                        if v.get("storage")]}
        if conflict:
            st["conditions"] = [
                {"type": "NamesAccepted", "status": "False", "lastTransitionTime": now, "reason": conflict[0],
                 "message": conflict[1]},
                {"type": "Established", "status": "False", "lastTransitionTime": now, "reason": "NotAccepted",
                 "message": "not all names are accepted"}]
            st["acceptedNames"] = {"plural": "", "kind": ""}
        else:
            st["conditions"] = [
                {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts",
                 "message": "no conflicts found"},
                {"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted",
                 "message": "the initial names have been accepted"}]
            acc = {k: names[k] for k in ("plural", "singular", "shortNames", "kind", "listKind", "categories")
                   if k in names}
            st["acceptedNames"] = acc
            self.catalogue.add_crd(crd)
        old_st = crd.get("status") or {}
        if old_st.get("storedVersions"):
            st["storedVersions"] = list(dict.fromkeys(old_st["storedVersions"] + st["storedVersions"]))
        if _same_status(old_st, st):
            return
        t = self._table(crd_rt)
        cur = t.objs.get(crd["metadata"]["name"])
        if cur is None:
            return
        new = copy.deepcopy(cur)
        new["status"] = st
        mf = [e for e in new["metadata"].get("managedFields") or [] if e.get("manager") != "kube-apiserver"]
        mf.append({"manager": "kube-apiserver", "operation": "Update", "apiVersion": "apiextensions.k8s.io/v1",
                   "time": now, "fieldsType": "FieldsV1",
                   "fieldsV1": {"f:status": {"f:acceptedNames": {f"f:{k}": {} for k in sorted(st["acceptedNames"])},
                                             "f:conditions": {
                                                 f'k:{{"type":"{c["type"]}"}}': {
                                                     ".": {}, "f:lastTransitionTime": {}, "f:message": {},
                                                     "f:reason": {}, "f:status": {}, "f:type": {}}
                                                 for c in st["conditions"]}}},
                   "subresource": "status"})
        new["metadata"]["managedFields"] = patching.sort_managed(mf)
        self._commit(crd_rt, _order_top(new), cur, "MODIFIED")

    def _delete_crd(self, rt: ResourceType, cur: dict, new: dict, stamp: str, dry_run: bool) -> tuple[int, dict]:
        """DELETE of a CRD: Terminating (its CRs are removed by ``_cleanup_crd`` after ``crd_cleanup_delay``)."""
        meta = new["metadata"]
        meta["deletionTimestamp"] = stamp
        meta["deletionGracePeriodSeconds"] = 0
        fins = list(meta.get("finalizers") or [])
        if _CRD_CLEANUP not in fins:
            fins.append(_CRD_CLEANUP)
        meta["finalizers"] = fins
        # the registry's delete strategy sets the condition in the same write (no managedFields entry)
        _set_condition(new, "Terminating", "InstanceDeletionPending",
                       "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", stamp)
        new = _order_top(new)
        if dry_run:
            return 200, self._out(rt, new)
        self._commit(rt, new, cur, "MODIFIED")
        snapshot = self._out(rt, new)
        # the finalizer controller picks it up at once and says so
        progressing = copy.deepcopy(new)
        _set_condition(progressing, "Terminating", "InstanceDeletionInProgress", "CustomResource deletion is in progress",
                       stamp)
        mf = progressing["metadata"].get("managedFields") or []
        for e in mf:
            if e.get("manager") == "kube-apiserver" and e.get("subresource") == "status":
                conds = e.setdefault("fieldsV1", {}).setdefault("f:status", {}).setdefault("f:conditions", {})
                conds['k:{"type":"Terminating"}'] = {"f:message": {}, "f:reason": {}}
                e["time"] = now_rfc3339()
        progressing["metadata"]["managedFields"] = patching.sort_managed(mf)
        self._commit(rt, _order_top(progressing), new, "MODIFIED")
        self._schedule("crd", meta["name"], self.crd_cleanup_delay, self._cleanup_crd)
        return 200, snapshot

    def _cleanup_crd(self, name: str) -> None:
        """The apiextensions finalizer: delete every custom resource, drop the finalizer, remove the CRD."""
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        assert crd_rt is not None
        t = self._table(crd_rt)
        cur = t.objs.get(name)
        if cur is None:
            return
        for crt in self.catalogue.crd_types(name)[:1]:  # one table serves every version
            tt = self._table(crt)
            for k in list(tt.keys):
                o = tt.objs.get(k)
                if o is not None:
                    self._purge(crt, o)
        cur = t.objs.get(name)
        if cur is None:
            return
        left = [f for f in cur["metadata"].get("finalizers") or [] if f != _CRD_CLEANUP]
        if left:
            new = copy.deepcopy(cur)
            new["metadata"]["finalizers"] = left
            self._commit(crd_rt, new, cur, "MODIFIED")
            return
        self._purge(crd_rt, cur)

    def _check_crd_not_terminating(self, rt: ResourceType, name: str) -> None:
        crd = self.catalogue.crd_object(rt.crd) if rt.is_crd else None
        if crd is None:
            return
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        stored = self._table(crd_rt).objs.get(rt.crd) if crd_rt is not None else None
        if stored is not None and stored["metadata"].get("deletionTimestamp"):
            raise err_forbidden(rt, name, f'{rt.group_resource} "{name}" is forbidden: create not allowed while '
                                          "custom resource definition is terminating")

    def _crd_checks(self, rt: ResourceType, body: dict, field_validation: str | None,
                    partial: bool = False) -> tuple[dict, list[str]]:
        """Schema validation + deprecation warning for a custom resource."""
        v = self.catalogue.crd_version(rt) or {}
        warnings = self.crd_warnings(rt)
        schema = (v.get("schema") or {}).get("openAPIV3Schema")
        body = _apply_schema_defaults(body, schema)
        if not partial:
            errs = _validate_schema(body, schema)
            if errs:
                raise err_invalid(rt.kind, rt.group, (body.get("metadata") or {}).get("name", ""), errs)
        return body, warnings

    def crd_warnings(self, rt: ResourceType) -> list[str]:
        """Warnings every request to ``rt`` carries (deprecated CRD versions)."""
        if not rt.is_crd:
            return []
        v = self.catalogue.crd_version(rt) or {}
        if not v.get("deprecated"):
            return []
        if v.get("deprecationWarning"):
            return [v["deprecationWarning"]]
        # apiextensions' default names the highest-priority served version that is not deprecated
        msg = f"{rt.api_version} {rt.kind} is deprecated"
        crd = self.catalogue.crd_object(rt.crd) or {}
        others = [x.get("name", "") for x in (crd.get("spec") or {}).get("versions") or []
                  if x.get("served") and not x.get("deprecated") and x.get("name") != rt.version]
        if others:
            from .catalogue import _version_priority

            best = sorted(others, key=_version_priority)[0]
            msg += f"; use {rt.group}/{best} {rt.kind}"
        return [msg]
