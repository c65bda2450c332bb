"""Writes: create, update (PUT) and patch (merge, JSON, strategic, server-side apply), with defaults and validation."""
from __future__ import annotations

import copy
import json
import random
import uuid
from contextlib import contextmanager
from typing import Iterator

from . import patching
from .catalogue import ResourceType
from .metadata import (
    _GEN_CHARS, _mf_sig, _order_top, _patch_touches_managed, _same, _sorted_deep, _spec_of,
    manager_from_user_agent, now_rfc3339,
)
from .statuses import (
    StatusError, _patch_error, cause_forbidden, cause_required, err_already_exists, err_bad_request,
    err_conflict, err_forbidden, err_invalid, err_method_not_allowed, err_not_found, err_options,
    err_unknown_resource, status,
)
from .patching import PatchError


@contextmanager
def _warnings_on_error(warnings: list[str]) -> Iterator[None]:
    """A failed write still answers with the warnings gathered before the failure (as the real server)."""
    try:
        yield
    except StatusError as e:
        e.warnings = list(dict.fromkeys([*getattr(e, "warnings", []), *warnings]))
        raise


class WriteMixin:
    """Store methods: writes (mixed into ``Store``)."""

    def create(self, rt: ResourceType, ns: str | None, body: dict, *, dry_run: bool = False,
               field_manager: str | None = None, field_validation: str | None = None,
               user_agent: str = "") -> tuple[int, dict, list[str]]:
        """POST: (201, created object, warnings). Dry-run returns the object without resourceVersion.

        A StatusError carries the warnings gathered before it in ``.warnings`` (sent with the error)."""
        warnings: list[str] = []
        with _warnings_on_error(warnings):
            return self._create(rt, ns, body, dry_run=dry_run, field_manager=field_manager,
                                field_validation=field_validation, user_agent=user_agent, warnings=warnings)

    def _create(self, rt: ResourceType, ns: str | None, body: dict, *, dry_run: bool, field_manager: str | None,
                field_validation: str | None, user_agent: str, warnings: list[str]) -> tuple[int, dict, list[str]]:
        if "create" not in rt.verbs:
            raise err_method_not_allowed()
        self._check_options("CreateOptions", dry_run, field_validation)
        if not isinstance(body, dict):
            raise err_bad_request(f"the object provided is unrecognized (must be of type {rt.kind}): couldn't get "
                                  "version/kind; json parse error: json: cannot unmarshal array into Go value of type "
                                  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string '
                                  '"json:\\"kind,omitempty\\"" }')
        self._check_kind(rt, body)
        body = copy.deepcopy(body)
        meta = body.get("metadata")
        if not isinstance(meta, dict):
            meta = body["metadata"] = {}
        if rt.namespaced:
            if meta.get("namespace") and ns and meta["namespace"] != ns:
                raise err_bad_request("the namespace of the provided object does not match the namespace sent on "
                                      "the request")
            meta["namespace"] = ns or meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        body = self._field_validation(rt, body, field_validation, warnings)
        meta = body["metadata"]
        if rt.is_crd:
            body, crd_warn = self._crd_checks(rt, body, field_validation)
            warnings += crd_warn
        manager = field_manager or manager_from_user_agent(user_agent)
        if tuple(rt.verbs) == ("create",):
            # reviews (TokenReview, SubjectAccessReview, SelfSubjectReview...) are answered, not stored;
            # the HTTP layer fills status from the caller's identity
            out = copy.deepcopy(body)
            out["kind"], out["apiVersion"] = rt.kind, rt.api_version
            return 201, _order_top(out), warnings
        with self._lock:
            self._check_crd_alive(rt)
            return self._create_locked(rt, body, manager=manager, dry_run=bool(dry_run), warnings=warnings)

    def _create_locked(self, rt: ResourceType, body: dict, *, manager: str, dry_run: bool, warnings: list[str],
                       managed: list[dict] | None = None) -> tuple[int, dict, list[str]]:
        meta = body["metadata"]
        ns = meta.get("namespace", "")
        body["kind"], body["apiVersion"] = rt.kind, rt.api_version
        if not meta.get("name") and meta.get("generateName"):
            t = self._table(rt)
            for _ in range(20):
                cand = meta["generateName"] + "".join(random.choice(_GEN_CHARS) for _ in range(5))
                if t.key(ns, cand, rt.namespaced) not in t.objs:
                    break
            meta["name"] = cand
        if rt.namespaced:
            self._check_namespace_for_create(rt, ns, meta.get("name", ""))
        if rt.is_crd:
            self._check_crd_not_terminating(rt, meta.get("name", ""))
        for k in ("uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(k, None)
        if managed is None:
            meta.pop("managedFields", None)
        from . import workloads as wl

        wl.apply_defaults(self, rt, body, None)
        if self._has_status_sub(rt) and not rt.is_crd:
            body["status"] = wl.initial_status(rt, body)
        elif rt.is_crd and "status" in rt.subresources:
            body.pop("status", None)
        causes = wl.validate(self, rt, body, None)
        if causes:
            raise err_invalid(rt.kind, rt.group, meta.get("name", ""), causes)
        t = self._table(rt)
        key = t.key(ns, meta["name"], rt.namespaced)
        if key in t.objs:
            raise err_already_exists(rt, meta["name"])
        now = now_rfc3339()
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now
        if self._has_generation(rt):
            meta["generation"] = 1
        if managed is not None:
            meta["managedFields"] = managed
        else:
            tracked = {k: v for k, v in body.items() if k != "spec"} if rt.resource == "namespaces" and not rt.group \
                else body
            meta["managedFields"] = patching.updated_managed_fields(
                [], manager=manager, old=None, new=tracked, node=self._node(rt), schema=self.schema,
                api_version=rt.api_version, subresource=None, now=now, include_status=False)
            if not meta["managedFields"]:
                meta.pop("managedFields")
        wl.after_defaults_server_fields(self, rt, body, dry_run)
        body = self._normalise(rt, body)
        if dry_run:
            return 201, self._out(rt, body), warnings
        self._commit(rt, body, None, "ADDED")
        self._after_create(rt, body)
        return 201, self._out(rt, body), warnings

    def _normalise(self, rt: ResourceType, obj: dict) -> dict:
        return _sorted_deep(obj) if rt.is_crd else _order_top(obj)

    def _check_namespace_for_create(self, rt: ResourceType, ns: str, name: str) -> None:
        nst = self._table(self._ns_rt())
        nso = nst.objs.get(ns)
        if nso is None:
            raise err_not_found(self._ns_rt(), ns)
        if (nso.get("status") or {}).get("phase") == "Terminating" or nso["metadata"].get("deletionTimestamp"):
            raise err_forbidden(rt, name, f'{rt.group_resource} "{name}" is forbidden: unable to create new content '
                                f"in namespace {ns} because it is being terminated",
                                [{"reason": "NamespaceTerminating",
                                  "message": f'namespace {ns} is being terminated', "field": "metadata.namespace"}])

    def _after_create(self, rt: ResourceType, obj: dict) -> None:
        if rt.group == "" and rt.resource == "namespaces":
            self._namespace_content(obj["metadata"]["name"])
        elif rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self._establish_crd(obj)

    def create_subresource(self, rt: ResourceType, ns: str | None, name: str, sub: str, body: dict, *,
                           dry_run: bool = False) -> tuple[int, dict]:
        """POST to ``pods/binding`` (sets spec.nodeName) or ``pods/eviction`` (deletes the pod):
        (201, Status Success). Other create subresources are the HTTP layer's business."""
        if (rt.group, rt.resource) != ("", "pods") or sub not in ("binding", "eviction"):
            raise err_method_not_allowed()
        with self._lock:
            t = self._table(rt)
            cur = t.objs.get(t.key(ns or "", name, True))
            if cur is None:
                raise err_not_found(rt, name)
            ok = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
            if dry_run:
                return 201, ok
            if sub == "binding":
                node = ((body or {}).get("target") or {}).get("name", "")
                if (cur.get("spec") or {}).get("nodeName"):
                    raise err_conflict(rt, name)
                new = copy.deepcopy(cur)
                new["spec"]["nodeName"] = node
                self._commit(rt, _order_top(new), cur, "MODIFIED")
            else:
                self._delete_locked(rt, cur, None, False)
            return 201, ok

    def update(self, rt: ResourceType, ns: str | None, name: str, body: dict, *, subresource: str | None = None,
               dry_run: bool = False, field_manager: str | None = None, field_validation: str | None = None,
               user_agent: str = "") -> tuple[int, dict, list[str]]:
        """PUT (also ``/status``, ``/scale`` with an autoscaling/v1 Scale, ``namespaces/finalize``)."""
        warnings: list[str] = []
        with _warnings_on_error(warnings):
            return self._update(rt, ns, name, body, subresource=subresource, dry_run=dry_run,
                                field_manager=field_manager, field_validation=field_validation,
                                user_agent=user_agent, warnings=warnings)

    def _update(self, rt: ResourceType, ns: str | None, name: str, body: dict, *, subresource: str | None,
                dry_run: bool, field_manager: str | None, field_validation: str | None, user_agent: str,
                warnings: list[str]) -> tuple[int, dict, list[str]]:
        self._check_options("UpdateOptions", dry_run, field_validation)
        if subresource is None and "update" not in rt.verbs:
            raise err_method_not_allowed()
        if subresource and subresource not in rt.subresources and not (
                subresource == "finalize" and rt.resource == "namespaces"):
            raise err_unknown_resource()
        if not isinstance(body, dict):
            raise err_bad_request("the object provided is unrecognized")
        body = copy.deepcopy(body)
        bmeta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        body["metadata"] = bmeta
        if bmeta.get("name") and bmeta["name"] != name:
            raise err_bad_request(f"the name of the object ({bmeta['name']}) does not match the name on the URL ({name})")
        if rt.namespaced and bmeta.get("namespace") and ns and bmeta["namespace"] != ns:
            raise err_bad_request("the namespace of the provided object does not match the namespace sent on the request")
        if subresource != "scale":
            self._check_kind(rt, body)
            body = self._field_validation(rt, body, field_validation, warnings)
            if rt.is_crd:
                body, w = self._crd_checks(rt, body, field_validation)
                warnings += w
        manager = field_manager or manager_from_user_agent(user_agent)
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            if cur is None:
                raise err_not_found(rt, name)
            want_rv = (body.get("metadata") or {}).get("resourceVersion")
            if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
                raise err_conflict(rt, name)
            if subresource == "scale":
                new = self._scale_to_obj(rt, cur, body)
            else:
                new = self._merge_for_subresource(rt, cur, body, subresource)
            code, out = self._update_locked(rt, cur, new, manager=manager, subresource=subresource,
                                            dry_run=bool(dry_run), op="Update")
            if subresource == "scale":
                out = self._scale_of(rt, out)
            return code, out, warnings

    def _merge_for_subresource(self, rt: ResourceType, cur: dict, body: dict, subresource: str | None) -> dict:
        """What a PUT may change: /status only status; the main resource everything but status."""
        new = copy.deepcopy(body)
        new["kind"], new["apiVersion"] = rt.kind, rt.api_version
        meta = new["metadata"]
        cmeta = cur["metadata"]
        if rt.namespaced:
            meta["namespace"] = cmeta.get("namespace", "")
        meta["name"] = cmeta["name"]
        if subresource == "status":
            out = copy.deepcopy(cur)
            out["status"] = new.get("status", {})
            return out
        if subresource == "finalize":
            out = copy.deepcopy(cur)
            out.setdefault("spec", {})["finalizers"] = list((new.get("spec") or {}).get("finalizers") or [])
            return out
        if self._has_status_sub(rt):
            if "status" in cur:
                new["status"] = copy.deepcopy(cur["status"])
            else:
                new.pop("status", None)
        return new

    def _update_locked(self, rt: ResourceType, cur: dict, new: dict, *, manager: str, subresource: str | None,
                       dry_run: bool, op: str, managed: list[dict] | None = None) -> tuple[int, dict]:
        from . import workloads as wl

        cmeta = cur["metadata"]
        meta = new.setdefault("metadata", {})
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if k in cmeta:
                meta[k] = cmeta[k]
            else:
                meta.pop(k, None)
        meta["name"] = cmeta["name"]
        if rt.namespaced:
            meta["namespace"] = cmeta.get("namespace", "")
        meta["resourceVersion"] = cmeta["resourceVersion"]
        if managed is None:
            meta["managedFields"] = copy.deepcopy(cmeta.get("managedFields") or [])
        wl.apply_defaults(self, rt, new, cur)
        causes = wl.validate(self, rt, new, cur)
        if causes:
            raise err_invalid(rt.kind, rt.group, cmeta["name"], causes)
        # a spec change bumps generation; metadata-only and /status writes do not
        if self._has_generation(rt) and subresource != "status":
            if _spec_of(new) != _spec_of(cur):
                meta["generation"] = int(cmeta.get("generation", 1)) + 1
        now = now_rfc3339()
        if managed is not None:
            meta["managedFields"] = managed
        else:
            mf = patching.updated_managed_fields(
                meta.get("managedFields") or [], manager=manager, old=cur, new=new, node=self._node(rt),
                schema=self.schema, api_version=rt.api_version if subresource != "scale" else rt.api_version,
                subresource=subresource if subresource in ("status", "scale") else None, now=now,
                include_status=subresource == "status" or not self._has_status_sub(rt))
            meta["managedFields"] = mf
        if not meta.get("managedFields"):
            meta.pop("managedFields", None)
        new = self._normalise(rt, new)
        if _same(new, cur):
            return 200, self._out(rt, cur)
        if dry_run:
            return 200, self._out(rt, new)
        self._commit(rt, new, cur, "MODIFIED")
        self._after_update(rt, new, cur)
        return 200, self._out(rt, new)

    def _after_update(self, rt: ResourceType, new: dict, old: dict) -> None:
        meta = new["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._purge(rt, new)
            return
        if rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self._establish_crd(new, update=True)

    def patch(self, rt: ResourceType, ns: str | None, name: str, content_type: str, raw: bytes, *,
              subresource: str | None = None, field_manager: str | None = None, force: bool | None = None,
              dry_run: bool = False, field_validation: str | None = None,
              user_agent: str = "") -> tuple[int, dict, list[str]]:
        """PATCH with merge / json / strategic-merge / apply-patch+yaml (``content_type`` without params).

        Apply to a missing object creates it (201). Errors: 415 (unsupported type; CRs refuse SMP),
        400 (undecodable body), 409 (stale resourceVersion, apply conflicts), 422, 500 (bad SMP directive).
        """
        warnings: list[str] = []
        with _warnings_on_error(warnings):
            return self._patch(rt, ns, name, content_type, raw, subresource=subresource,
                               field_manager=field_manager, force=force, dry_run=dry_run,
                               field_validation=field_validation, user_agent=user_agent, warnings=warnings)

    def _patch(self, rt: ResourceType, ns: str | None, name: str, content_type: str, raw: bytes, *,
               subresource: str | None, field_manager: str | None, force: bool | None, dry_run: bool,
               field_validation: str | None, user_agent: str, warnings: list[str]) -> tuple[int, dict, list[str]]:
        if subresource is None and "patch" not in rt.verbs:
            raise err_method_not_allowed()
        if subresource and subresource not in rt.subresources:
            raise err_unknown_resource()
        ctype = (content_type or "").split(";")[0].strip().lower()
        accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
        if not rt.is_crd:
            accepted.insert(2, "application/strategic-merge-patch+json")
        if ctype not in accepted:
            if rt.is_crd and ctype == "application/strategic-merge-patch+json":
                raise StatusError(415, status(
                    415, "UnsupportedMediaType",
                    'the body of the request was in an unknown format - accepted media types include: '
                    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
            raise StatusError(415, status(415, "UnsupportedMediaType", "415: Unsupported Media Type", {}))
        is_apply = ctype == "application/apply-patch+yaml"
        self._check_options("PatchOptions", dry_run, field_validation)
        if force and not is_apply:
            raise err_options("PatchOptions", [cause_forbidden("force", "may not be specified for non-apply patch")])
        if is_apply and not field_manager:
            raise err_options("PatchOptions", [cause_required("fieldManager", "is required for apply patch")])
        manager = field_manager or manager_from_user_agent(user_agent)
        try:
            text = raw.decode() if isinstance(raw, (bytes, bytearray)) else str(raw)
        except UnicodeDecodeError:
            raise err_bad_request("error decoding patch: invalid utf-8") from None
        if is_apply:
            patch_doc = self._decode_apply(rt, name, text)
        else:
            try:
                patch_doc = json.loads(text)
            except ValueError:
                raise err_bad_request("error decoding patch: unexpected end of JSON input" if text.strip()[-1:] not in "}]"
                                      else "error decoding patch: invalid character in JSON input") from None
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            node = self._node(rt)
            if cur is None:
                if is_apply and subresource is None:
                    return self._apply_create(rt, ns, name, patch_doc, manager, bool(dry_run), field_validation,
                                              warnings)
                raise err_not_found(rt, name)
            base = self._scale_of(rt, self._out(rt, cur)) if subresource == "scale" else self._out(rt, cur)
            base_node = None if subresource == "scale" else node
            try:
                if ctype == "application/merge-patch+json":
                    if not isinstance(patch_doc, dict):
                        raise err_bad_request("error decoding patch: json: cannot unmarshal into object")
                    patched = patching.merge_patch(base, patch_doc)
                elif ctype == "application/json-patch+json":
                    patched = patching.json_patch(base, patch_doc)
                elif ctype == "application/strategic-merge-patch+json":
                    if not isinstance(patch_doc, dict):
                        raise err_bad_request("error decoding patch: json: cannot unmarshal into object")
                    patched = patching.strategic_merge(base, patch_doc, base_node, self.schema)
                else:
                    patched = None
            except PatchError as e:
                raise _patch_error(e, rt, name) from None
            if is_apply:
                return self._apply_existing(rt, cur, patch_doc, manager, bool(force), subresource,
                                            bool(dry_run), field_validation, warnings)
            if not isinstance(patched, dict):
                raise StatusError(422, status(422, "Invalid", patching.GENERIC_422, {}))
            want_rv = (patch_doc.get("metadata") or {}).get("resourceVersion") if isinstance(patch_doc, dict) else None
            if ctype == "application/json-patch+json":
                want_rv = (patched.get("metadata") or {}).get("resourceVersion")
            if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
                raise err_conflict(rt, name)
            if subresource == "scale":
                new = self._scale_to_obj(rt, cur, patched)
            else:
                if subresource != "scale":
                    patched = self._field_validation(rt, patched, field_validation, warnings)
                    if rt.is_crd:
                        patched, w = self._crd_checks(rt, patched, field_validation)
                        warnings += w
                self._check_kind(rt, patched)
                new = self._merge_for_subresource(rt, cur, patched, subresource)
                if subresource is None:
                    # managedFields may be replaced wholesale by a patch (kubectl's SSA migration does this)
                    if _patch_touches_managed(patch_doc) and "managedFields" in (patched.get("metadata") or {}):
                        mf = patched["metadata"]["managedFields"]
                        code, out = self._update_locked(rt, cur, new, manager=manager, subresource=None,
                                                        dry_run=bool(dry_run), op="Update", managed=mf or [])
                        return code, out, warnings
            code, out = self._update_locked(rt, cur, new, manager=manager, subresource=subresource,
                                            dry_run=bool(dry_run), op="Update")
            if subresource == "scale":
                out = self._scale_of(rt, out)
            return code, out, warnings

    def _decode_apply(self, rt: ResourceType, name: str, text: str) -> dict:
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
            problem = getattr(e, "problem", str(e))
            raise err_bad_request(f"error decoding YAML: error converting YAML to JSON: yaml: line {line}: "
                                  f"{problem}") from None
        if not isinstance(doc, dict):
            raise err_bad_request("invalid object type: /, Kind=")
        if not doc.get("kind") or not doc.get("apiVersion"):
            api = doc.get("apiVersion", "")
            grp, ver = (api.split("/", 1) if "/" in api else ("", api))
            raise err_bad_request(f"invalid object type: {grp}/{ver}, Kind={doc.get('kind', '')}")
        meta = doc.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise err_bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL ({name})")
        if meta.get("managedFields") is not None:
            raise err_bad_request("metadata.managedFields must be nil")
        return doc

    def _apply_create(self, rt: ResourceType, ns: str | None, name: str, cfg: dict, manager: str, dry_run: bool,
                      field_validation: str | None, warnings: list[str]) -> tuple[int, dict, list[str]]:
        cfg = copy.deepcopy(cfg)
        cfg.setdefault("metadata", {})["name"] = name
        if rt.namespaced:
            cfg["metadata"]["namespace"] = ns or cfg["metadata"].get("namespace") or "default"
        self._check_kind(rt, cfg)
        cfg = self._field_validation(rt, cfg, field_validation, warnings)
        if rt.is_crd:
            cfg, w = self._crd_checks(rt, cfg, field_validation)
            warnings += w
        try:
            merged, mf = patching.apply(None, cfg, manager=manager, force=False, managed=[], node=self._node(rt),
                                        schema=self.schema, api_version=rt.api_version, subresource=None,
                                        now=now_rfc3339(), include_status=not self._has_status_sub(rt))
        except PatchError as e:
            raise _patch_error(e, rt, name) from None
        return self._create_locked(rt, merged, manager=manager, dry_run=dry_run, warnings=warnings, managed=mf)

    def _apply_existing(self, rt: ResourceType, cur: dict, cfg: dict, manager: str, force: bool,
                        subresource: str | None, dry_run: bool, field_validation: str | None,
                        warnings: list[str]) -> tuple[int, dict, list[str]]:
        name = cur["metadata"]["name"]
        now = now_rfc3339()
        if subresource == "scale":
            replicas = (cfg.get("spec") or {}).get("replicas")
            parent_cfg = {"spec": {"replicas": replicas}} if replicas is not None else {}
            live = self._out(rt, cur)
            try:
                merged, mf = patching.apply(live, parent_cfg, manager=manager, force=force,
                                            managed=cur["metadata"].get("managedFields") or [], node=self._node(rt),
                                            schema=self.schema, api_version=rt.api_version, subresource="scale",
                                            now=now, include_status=False)
            except PatchError as e:
                raise _patch_error(e, rt, name) from None
            code, out = self._update_locked(rt, cur, merged, manager=manager, subresource="scale",
                                            dry_run=dry_run, op="Apply", managed=mf)
            return code, self._scale_of(rt, out), warnings
        cfg = copy.deepcopy(cfg)
        self._check_kind(rt, cfg)
        cfg = self._field_validation(rt, cfg, field_validation, warnings)
        if rt.is_crd:
            cfg, w = self._crd_checks(rt, cfg, field_validation, partial=True)
            warnings += w
        want_rv = (cfg.get("metadata") or {}).get("resourceVersion")
        if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
            raise err_conflict(rt, name)
        cfg.setdefault("metadata", {})
        cfg["metadata"].pop("resourceVersion", None)
        if subresource == "status":
            cfg = {"apiVersion": cfg.get("apiVersion"), "kind": cfg.get("kind"), "metadata": {},
                   "status": cfg.get("status") or {}}
        elif self._has_status_sub(rt):
            cfg.pop("status", None)
        live = self._out(rt, cur)
        try:
            merged, mf = patching.apply(live, cfg, manager=manager, force=force,
                                        managed=cur["metadata"].get("managedFields") or [], node=self._node(rt),
                                        schema=self.schema, api_version=rt.api_version, subresource=subresource,
                                        now=now, include_status=subresource == "status" or not self._has_status_sub(rt))
        except PatchError as e:
            raise _patch_error(e, rt, name) from None
        # a no-op apply keeps the old managedFields timestamps
        old_mf = cur["metadata"].get("managedFields") or []
        if _mf_sig(old_mf) == _mf_sig(mf):
            mf = old_mf
        code, out = self._update_locked(rt, cur, merged, manager=manager, subresource=subresource,
                                        dry_run=dry_run, op="Apply", managed=mf)
        return code, out, warnings
