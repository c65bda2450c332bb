"""Patch semantics of kube-apiserver: JSON merge patch, JSON patch, strategic merge patch and
server-side apply with field ownership (managedFields, FieldsV1).

Merge keys, list types and atomic maps come from the real v1.36 OpenAPI (``_data/schema-v1.36.json``)
for built-ins, and from ``openAPIV3Schema`` for custom resources. Errors are raised as ``PatchError``
carrying the status code and message the real server answers with; the store turns them into Status.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

GENERIC_422 = "the server rejected our request due to an error in our request"


class PatchError(Exception):
    """A patch or apply the server refuses. ``causes`` are Status causes (apply conflicts)."""

    def __init__(self, code: int, message: str, reason: str = "", causes: list[dict] | None = None,
                 details: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.reason, self.causes, self.details = code, message, reason, causes, details


# ------------------------------------------------------------------------------------------------
# schema nodes
# ------------------------------------------------------------------------------------------------

class Schema:
    """Resolves schema nodes (compact OpenAPI: r=ref, t=type, p=props, i=items, a=additionalProperties,
    lt=list-type, k=list-map-keys, kd=defaults of list-map keys, pmk=patch-merge-key, ps=patch-strategy,
    mt=map-type, req=required)."""

    def __init__(self, data: dict) -> None:
        self.roots: dict[str, str] = data["roots"]
        self.defs: dict[str, dict] = data["defs"]

    @classmethod
    @lru_cache(maxsize=1)
    def builtin(cls) -> "Schema":
        text = resources.files("migrate.sim._data").joinpath("schema-v1.36.json").read_text()
        return cls(json.loads(text))

    def root(self, api_version: str, kind: str) -> dict | None:
        name = self.roots.get(f"{api_version}/{kind}")
        if name is None:
            # older/beta versions share the shape of the v1 kind closely enough for merge semantics
            group = api_version.split("/")[0] if "/" in api_version else ""
            for key, n in self.roots.items():
                gv, k = key.rsplit("/", 1)
                if k == kind and (gv.split("/")[0] if "/" in gv else "") == group:
                    name = n
                    break
        return self.resolve({"r": name}) if name else None

    def resolve(self, node: dict | None) -> dict | None:
        if node is None:
            return None
        seen = 0
        while "r" in node and seen < 5:
            target = self.defs.get(node["r"])
            if target is None:
                return None
            merged = dict(target)
            for k, v in node.items():
                if k not in ("r",) and k not in merged:
                    merged[k] = v
            node = merged
            seen += 1
        return node

    def child(self, node: dict | None, key: str) -> dict | None:
        node = self.resolve(node)
        if not node:
            return None
        props = node.get("p")
        if props is not None and key in props:
            return self.resolve(props[key])
        if "a" in node:
            return self.resolve(node["a"])
        return None

    def items(self, node: dict | None) -> dict | None:
        node = self.resolve(node)
        return self.resolve(node.get("i")) if node and "i" in node else None


def crd_schema_node(schema: dict | None) -> dict | None:
    """Convert a CRD openAPIV3Schema into the compact node form."""
    if not schema:
        return None

    def conv(s: dict) -> dict:
        out: dict[str, Any] = {}
        if "type" in s:
            out["t"] = s["type"]
        if "properties" in s:
            out["p"] = {k: conv(v) for k, v in s["properties"].items()}
        if isinstance(s.get("additionalProperties"), dict):
            out["a"] = conv(s["additionalProperties"])
        if "items" in s and isinstance(s["items"], dict):
            out["i"] = conv(s["items"])
        if "x-kubernetes-list-type" in s:
            out["lt"] = s["x-kubernetes-list-type"]
        if "x-kubernetes-list-map-keys" in s:
            out["k"] = s["x-kubernetes-list-map-keys"]
            item_props = (s.get("items") or {}).get("properties") or {} if isinstance(s.get("items"), dict) else {}
            kd = {k: item_props[k]["default"] for k in out["k"]
                  if isinstance(item_props.get(k), dict) and "default" in item_props[k]}
            if kd:
                out["kd"] = kd
        if "x-kubernetes-map-type" in s:
            out["mt"] = s["x-kubernetes-map-type"]
        if s.get("x-kubernetes-preserve-unknown-fields"):
            out["pu"] = True
        if s.get("x-kubernetes-embedded-resource"):
            out["er"] = True
        if "required" in s:
            out["req"] = s["required"]
        return out

    node = conv(schema)
    props = node.setdefault("p", {})
    props.setdefault("metadata", {"r": "apimachinery.pkg.apis.meta.v1.ObjectMeta"})
    props.setdefault("apiVersion", {"t": "string"})
    props.setdefault("kind", {"t": "string"})
    return node


# ------------------------------------------------------------------------------------------------
# JSON merge patch (RFC 7386) and JSON patch (RFC 6902)
# ------------------------------------------------------------------------------------------------

def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(422, GENERIC_422, "Invalid")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict):
            if p not in cur:
                raise PatchError(422, GENERIC_422, "Invalid")
            cur = cur[p]
        elif isinstance(cur, list):
            try:
                cur = cur[int(p)]
            except (ValueError, IndexError):
                raise PatchError(422, GENERIC_422, "Invalid") from None
        else:
            raise PatchError(422, GENERIC_422, "Invalid")
    return cur


def _add(doc: Any, parts: list[str], value: Any, replace: bool = False) -> Any:
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        if replace and last not in parent:
            raise PatchError(422, GENERIC_422, "Invalid")
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-" and not replace:
            parent.append(value)
            return doc
        try:
            idx = int(last)
        except ValueError:
            raise PatchError(422, GENERIC_422, "Invalid") from None
        if replace:
            if not 0 <= idx < len(parent):
                raise PatchError(422, GENERIC_422, "Invalid")
            parent[idx] = value
        else:
            if not 0 <= idx <= len(parent):
                raise PatchError(422, GENERIC_422, "Invalid")
            parent.insert(idx, value)
    else:
        raise PatchError(422, GENERIC_422, "Invalid")
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    if not parts:
        raise PatchError(422, GENERIC_422, "Invalid")
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list):
        try:
            return parent.pop(int(last))
        except (ValueError, IndexError):
            pass
    raise PatchError(422, GENERIC_422, "Invalid")


def json_patch(doc: Any, ops: Any) -> Any:
    """Apply RFC 6902 operations; every failure is the generic 422 the real server gives."""
    if not isinstance(ops, list):
        raise PatchError(400, "error decoding patch: json: cannot unmarshal object into Go value of type "
                              "[]handlers.jsonPatchOp", "BadRequest")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict):
            raise PatchError(400, "json: cannot unmarshal into Go value of type jsonpatch.Operation", "BadRequest")
        kind = op.get("op")
        path = _pointer(op.get("path", "") if isinstance(op.get("path", ""), str) else "")
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            if not path:
                doc = copy.deepcopy(op.get("value"))
            else:
                _walk(doc, path)
                doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=True)
        elif kind == "move":
            val = _remove(doc, _pointer(op.get("from", "")))
            doc = _add(doc, path, val)
        elif kind == "copy":
            val = copy.deepcopy(_walk(doc, _pointer(op.get("from", ""))))
            doc = _add(doc, path, val)
        elif kind == "test":
            if _walk(doc, path) != op.get("value"):
                raise PatchError(422, GENERIC_422, "Invalid")
        else:
            raise PatchError(422, GENERIC_422, "Invalid")
    return doc


# ------------------------------------------------------------------------------------------------
# strategic merge patch
# ------------------------------------------------------------------------------------------------

def _merge_key(node: dict | None) -> str | None:
    if not node:
        return None
    if "merge" in (node.get("ps") or "").split(","):
        return node.get("pmk") or ""
    return None


def strategic_merge(original: Any, patch: Any, node: dict | None, schema: Schema) -> Any:
    """Strategic merge patch of ``original`` by ``patch`` following the type's patch strategies."""
    if not isinstance(patch, dict) or not isinstance(original, dict):
        return _strip_directives(copy.deepcopy(patch))
    directive = patch.get("$patch")
    if directive is not None:
        if directive == "replace":
            return _strip_directives({k: v for k, v in patch.items() if k != "$patch"})
        if directive == "delete":
            return None
        if directive != "merge":
            gomap = " ".join(f"{k}:{_go_fmt(patch[k])}" for k in sorted(patch))
            raise PatchError(500, f"unknown patch type: {directive} in map: map[{gomap}]")
    out = dict(original)
    retain = patch.get("$retainKeys")
    orders: dict[str, list] = {}
    for key, pv in patch.items():
        if key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = pv
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if _merge_key(schema.child(node, field)) is None:
                # only merge-strategy lists know the directive; elsewhere it stays an unknown field
                # (the real server then warns 'unknown field "...$deleteFromPrimitiveList/command"')
                out[key] = copy.deepcopy(pv)
                continue
            if isinstance(out.get(field), list) and isinstance(pv, list):
                out[field] = [v for v in out[field] if v not in pv]
            continue
        child = schema.child(node, key)
        if pv is None:
            out.pop(key, None)
            continue
        cur = out.get(key)
        if isinstance(pv, dict):
            if child and child.get("mt") == "atomic":
                out[key] = _strip_directives(copy.deepcopy(pv))
            else:
                merged = strategic_merge(cur if isinstance(cur, dict) else {}, pv, child, schema)
                if merged is None:
                    out.pop(key, None)
                else:
                    out[key] = merged
        elif isinstance(pv, list):
            mk = _merge_key(child)
            if mk is not None and isinstance(cur, list):
                out[key] = _merge_list(cur, pv, mk, schema.items(child), schema)
            elif mk is not None:
                out[key] = _merge_list([], pv, mk, schema.items(child), schema)
            else:
                out[key] = _strip_directives(copy.deepcopy(pv))
        else:
            out[key] = pv
    for field, order in orders.items():
        if isinstance(out.get(field), list):
            mk = _merge_key(schema.child(node, field)) or ""
            out[field] = _reorder(out[field], order, mk)
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain or k not in original}
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _go_fmt(v: Any) -> str:
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_fmt(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(_go_fmt(x) for x in v) + "]"
    return "<nil>" if v is None else str(v).lower() if isinstance(v, bool) else str(v)


def _merge_list(cur: list, patch: list, key: str, item_node: dict | None, schema: Schema) -> list:
    if not key:  # primitive list with merge strategy: union
        out = list(cur)
        for v in patch:
            if isinstance(v, dict) and v.get("$patch") == "replace":
                return [x for x in patch if not (isinstance(x, dict) and "$patch" in x)]
            if v not in out:
                out.append(v)
        return out
    if any(isinstance(v, dict) and v.get("$patch") == "replace" for v in patch):
        return [_strip_directives(v) for v in patch if not (isinstance(v, dict) and v.get("$patch") == "replace")]
    out = [copy.deepcopy(v) for v in cur]
    new_items: list = []
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            new_items.append(item)
            continue
        idx = next((i for i, o in enumerate(out) if isinstance(o, dict) and o.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if idx is None:
            # a new item is merged into nothing, so its directives are interpreted (or kept, when unknown)
            new_items.append(strategic_merge({}, item, item_node, schema))
        else:
            out[idx] = strategic_merge(out[idx], item, item_node, schema)
    # the real server puts items that are new to the list first
    return new_items + out


def _reorder(items: list, order: list, key: str) -> list:
    def ident(v: Any) -> Any:
        return json.dumps(v.get(key) if key and isinstance(v, dict) else v, sort_keys=True)

    pos = {ident(o): i for i, o in enumerate(order)}
    indexed = list(enumerate(items))
    indexed.sort(key=lambda p: (pos.get(ident(p[1]), len(order) + p[0])))
    return [v for _, v in indexed]


def _strip_directives(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_directives(x) for k, x in v.items() if not k.startswith("$")}
    if isinstance(v, list):
        return [_strip_directives(x) for x in v]
    return v


# ------------------------------------------------------------------------------------------------
# field sets (managedFields) and server-side apply
# ------------------------------------------------------------------------------------------------

Path = tuple  # tuple of path elements like "f:spec", 'k:{"name":"c"}', 'v:"x"'

# Struct-valued fields Go always serialises (non-pointer structs, so present in a zero object): the
# real server lists them without a "." entry in FieldsV1.
_ALWAYS_PRESENT = {"metadata", "spec", "status", "template", "strategy", "updateStrategy", "resources"}
_META_SKIP = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink",
              "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"}


def _list_keys(node: dict | None) -> list[str] | None:
    """Key fields of an associative list, None for atomic/unknown lists, [] for sets."""
    if not node:
        return None
    lt = node.get("lt")
    if lt == "map":
        return list(node.get("k") or ([node["pmk"]] if node.get("pmk") else [])) or None
    if lt == "set":
        return []
    if lt is None and _merge_key(node):
        return [node["pmk"]]
    return None


def _key_pe(item: dict, keys: list[str], defaults: dict | None = None) -> str:
    """The item's path element. A missing key field takes its schema default (``kd``), as the real
    server's structured merge does: an applied ``{containerPort: 80}`` is the stored ``{80, TCP}``."""
    ident = {}
    for k in sorted(keys):
        if k in item:
            ident[k] = item[k]
        elif defaults and k in defaults:
            ident[k] = defaults[k]
    return "k:" + json.dumps(ident, separators=(",", ":"))


class FieldSet:
    """A set of field paths with the leaf values they point at (for conflict checks)."""

    def __init__(self, apply: bool = False) -> None:
        self.paths: set[Path] = set()
        self.values: dict[Path, Any] = {}
        self.apply = apply  # applied configs own leaves and list items only, not the maps/lists themselves

    @classmethod
    def of(cls, obj: dict, node: dict | None, schema: Schema, *, include_status: bool = True,
           apply: bool = False) -> "FieldSet":
        fs = cls(apply)
        for k, v in obj.items():
            if k in ("apiVersion", "kind"):
                continue
            if k == "status" and not include_status:
                continue
            child = schema.child(node, k)
            if k == "metadata" and isinstance(v, dict):
                for mk, mv in v.items():
                    if mk in _META_SKIP:
                        continue
                    fs._walk(("f:metadata", f"f:{mk}"), mv, schema.child(child, mk), schema, False)
                continue
            fs._walk((f"f:{k}",), v, child, schema, k in _ALWAYS_PRESENT)
        return fs

    def _walk(self, path: Path, v: Any, node: dict | None, schema: Schema, present: bool) -> None:
        node = schema.resolve(node)
        if isinstance(v, dict) and v and not (node and node.get("mt") == "atomic"):
            if not present and not self.apply:
                self.paths.add(path)
            required = set((node or {}).get("req") or ())
            for k, cv in v.items():
                self._walk(path + (f"f:{k}",), cv, schema.child(node, k), schema,
                           k in _ALWAYS_PRESENT or k in required)
            return
        if isinstance(v, list) and v:
            keys = _list_keys(node)
            if keys is not None:
                if not present and not self.apply:
                    self.paths.add(path)
                item_node = schema.items(node)
                kd = node.get("kd") if node else None
                for item in v:
                    if keys and isinstance(item, dict):
                        pe = _key_pe(item, keys, kd)
                        self._walk(path + (pe,), item, item_node, schema, False)
                        self.paths.add(path + (pe,))
                    elif not keys:
                        p = path + ("v:" + json.dumps(item, separators=(",", ":")),)
                        self.paths.add(p)
                        self.values[p] = item
                return
        self.paths.add(path)
        self.values[path] = v

    # -- FieldsV1 encoding ----------------------------------------------------------------------------
    def to_fields_v1(self) -> dict:
        tree: dict = {}
        for p in sorted(self.paths):
            cur = tree
            for pe in p:
                cur = cur.setdefault(pe, {})
        # a path that is itself a member and has children gets a "." entry
        for p in self.paths:
            cur = tree
            for pe in p:
                cur = cur[pe]
            if cur and "." not in cur:
                cur["."] = {}
        return _sort_tree(tree)

    @classmethod
    def from_fields_v1(cls, tree: dict) -> "FieldSet":
        fs = cls()

        def rec(prefix: Path, t: dict) -> None:
            for k, sub in t.items():
                if k == ".":
                    fs.paths.add(prefix)
                    continue
                p = prefix + (k,)
                if not sub:
                    fs.paths.add(p)
                else:
                    rec(p, sub)

        rec((), tree or {})
        return fs

    def copy(self) -> "FieldSet":
        fs = FieldSet()
        fs.paths = set(self.paths)
        fs.values = dict(self.values)
        return fs


def _sort_tree(t: dict) -> dict:
    out = {}
    if "." in t:
        out["."] = {}
    for k in sorted(x for x in t if x != "."):
        out[k] = _sort_tree(t[k])
    return out


def updated_managed_fields(managed: list[dict], *, manager: str, old: dict | None, new: dict, node: dict | None,
                           schema: Schema, api_version: str, subresource: str | None, now: str,
                           include_status: bool) -> list[dict]:
    """managedFields after an Update by ``manager``: it gains what it changed; others lose it."""
    new_fs = FieldSet.of(new, node, schema, include_status=include_status)
    if old is None:
        changed = set(new_fs.paths)
        removed: set = set()
    else:
        old_fs = FieldSet.of(old, node, schema, include_status=include_status)
        changed = {p for p in new_fs.paths if p not in old_fs.paths or
                   (p in new_fs.values and old_fs.values.get(p, _MISSING) != new_fs.values[p])}
        removed = old_fs.paths - new_fs.paths
    if old is not None and not changed and not removed:
        return managed
    out: list[dict] = []
    mine: FieldSet | None = None
    for e in managed:
        fs = FieldSet.from_fields_v1(e.get("fieldsV1") or {})
        if e.get("manager") == manager and e.get("operation") == "Update" and e.get("subresource") == subresource:
            mine = fs
            continue
        fs.paths -= changed | removed
        if fs.paths:
            out.append({**e, "fieldsV1": fs.to_fields_v1()})
    if mine is None:
        mine = FieldSet()
    mine.paths = (mine.paths | changed) - removed
    if mine.paths:
        entry = {"manager": manager, "operation": "Update", "apiVersion": api_version, "time": now,
                 "fieldsType": "FieldsV1", "fieldsV1": mine.to_fields_v1()}
        if subresource:
            entry["subresource"] = subresource
        out.append(entry)
    return sort_managed(out)


_MISSING = object()


def sort_managed(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (0 if e.get("operation") == "Apply" else 1, e.get("time") or "",
                                          e.get("manager") or ""))


def describe_path(p: Path) -> str:
    """``.spec.template.spec.containers[name="c"].image`` as used in apply conflict messages."""
    out = ""
    for pe in p:
        if pe.startswith("f:"):
            out += "." + pe[2:]
        elif pe.startswith("k:"):
            keys = json.loads(pe[2:])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
        elif pe.startswith("v:"):
            out += "[" + pe[2:] + "]"
        else:
            out += "." + pe
    return out


def _manager_desc(e: dict) -> str:
    s = f"conflict with \"{e.get('manager')}\""
    if e.get("operation") == "Update" or e.get("subresource"):
        if e.get("subresource"):
            s += f" with subresource \"{e['subresource']}\""
        api = e.get("apiVersion", "")
        if e.get("subresource") == "scale":
            api = "autoscaling/v1"
        s += f" using {api}"
    return s


def structured_merge(live: Any, config: Any, node: dict | None, schema: Schema) -> Any:
    """Merge an applied configuration into the live object (maps recursive, keyed lists by key)."""
    node = schema.resolve(node)
    if isinstance(config, dict) and isinstance(live, dict) and not (node and node.get("mt") == "atomic"):
        out = dict(live)
        for k, v in config.items():
            out[k] = structured_merge(live.get(k), v, schema.child(node, k), schema)
        return out
    if isinstance(config, list) and isinstance(live, list):
        keys = _list_keys(node)
        if keys:
            item_node = schema.items(node)
            kd = node.get("kd") if node else None
            out = [copy.deepcopy(x) for x in live]
            for item in config:
                if not isinstance(item, dict):
                    continue
                pe = _key_pe(item, keys, kd)
                idx = next((i for i, o in enumerate(out) if isinstance(o, dict) and _key_pe(o, keys, kd) == pe),
                           None)
                if idx is None:
                    out.append(copy.deepcopy(item))
                else:
                    out[idx] = structured_merge(out[idx], item, item_node, schema)
            return out
        if keys == []:
            out = list(live)
            for v in config:
                if v not in out:
                    out.append(v)
            return out
    return copy.deepcopy(config)


def remove_paths(obj: dict, paths: Iterable[Path]) -> dict:
    """Delete the fields at ``paths`` (deepest first) from a copy of ``obj``."""
    obj = copy.deepcopy(obj)
    paths = set(paths)
    # a removed list item or map takes its children with it; removing a child first would change a
    # keyed item's identity (its key fields) so the item itself could no longer be found
    outer = [p for p in paths if not any(p[:i] in paths for i in range(1, len(p)))]
    for p in sorted(outer, key=len, reverse=True):
        _remove_path(obj, list(p))
    return obj


def _remove_path(cur: Any, p: list[str]) -> bool:
    if not p:
        return False
    pe = p[0]
    if pe.startswith("f:") and isinstance(cur, dict):
        k = pe[2:]
        if k not in cur:
            return False
        if len(p) == 1:
            del cur[k]
            return True
        return _remove_path(cur[k], p[1:])
    if isinstance(cur, list):
        for i, item in enumerate(cur):
            if pe.startswith("k:") and isinstance(item, dict):
                want = json.loads(pe[2:])
                if all(item.get(k) == v for k, v in want.items()):
                    if len(p) == 1:
                        cur.pop(i)
                        return True
                    return _remove_path(item, p[1:])
            elif pe.startswith("v:") and json.dumps(item, separators=(",", ":")) == pe[2:]:
                cur.pop(i)
                return True
    return False


def apply(live: dict | None, config: dict, *, manager: str, force: bool, managed: list[dict], node: dict | None,
          schema: Schema, api_version: str, subresource: str | None, now: str,
          include_status: bool) -> tuple[dict, list[dict]]:
    """Server-side apply of ``config`` by ``manager``; returns (merged object, managedFields).

    Raises PatchError 409 listing each conflicting (manager, field) unless ``force``.
    """
    cfg_fs = FieldSet.of(config, node, schema, include_status=include_status, apply=True)
    live = live or {}
    live_fs = FieldSet.of(live, node, schema, include_status=include_status) if live else FieldSet()
    entries = [dict(e) for e in managed]
    mine_idx = next((i for i, e in enumerate(entries) if e.get("manager") == manager and
                     e.get("operation") == "Apply" and e.get("subresource") == subresource), None)
    prev = FieldSet.from_fields_v1(entries[mine_idx]["fieldsV1"]) if mine_idx is not None else FieldSet()
    conflicts: list[tuple[dict, Path]] = []
    for i, e in enumerate(entries):
        if i == mine_idx:
            continue
        other = FieldSet.from_fields_v1(e.get("fieldsV1") or {})
        for p in sorted(other.paths & cfg_fs.paths):
            if p in cfg_fs.values and live_fs.values.get(p, _MISSING) != cfg_fs.values[p]:
                conflicts.append((e, p))
    if conflicts and not force:
        causes = [{"reason": "FieldManagerConflict", "message": _manager_desc(e), "field": describe_path(p)}
                  for e, p in conflicts]
        n = len(conflicts)
        if n == 1:
            msg = f"Apply failed with 1 conflict: {causes[0]['message']}: {causes[0]['field']}"
        else:
            by_mgr: dict[str, list[str]] = {}
            for c in causes:
                by_mgr.setdefault(c["message"], []).append(c["field"])
            parts = []
            for m, fields in by_mgr.items():
                if len(fields) == 1:
                    parts.append(f"{m}: {fields[0]}")
                else:
                    parts.append(m.replace("conflict with", "conflicts with", 1) + ":\n" +
                                 "\n".join(f"- {f}" for f in fields))
            msg = f"Apply failed with {n} conflicts: " + "\n".join(parts)
        raise PatchError(409, msg, "Conflict", causes=causes)
    forced = {p for _, p in conflicts}
    # fields this manager applied before but dropped now, and nobody else owns, are removed
    others_paths: set = set()
    new_entries = []
    for i, e in enumerate(entries):
        if i == mine_idx:
            continue
        fs = FieldSet.from_fields_v1(e.get("fieldsV1") or {})
        if forced:
            fs.paths -= forced
        others_paths |= fs.paths
        if fs.paths:
            new_entries.append({**e, "fieldsV1": fs.to_fields_v1()})
    dropped = {p for p in prev.paths - cfg_fs.paths if p not in others_paths}
    merged = structured_merge(live, config, node, schema)
    if dropped:
        merged = remove_paths(merged, dropped)
    entry = {"manager": manager, "operation": "Apply", "apiVersion": api_version, "time": now,
             "fieldsType": "FieldsV1", "fieldsV1": cfg_fs.to_fields_v1()}
    if subresource:
        entry["subresource"] = subresource
    if cfg_fs.paths:
        new_entries.append(entry)
    return merged, sort_managed(new_entries)
