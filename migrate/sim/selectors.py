"""Label and field selectors with the parse errors kube-apiserver returns (400 BadRequest text)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


class SelectorError(ValueError):
    """The selector does not parse; str() is the exact message for a 400 Status."""


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        has = self.key in labels
        val = labels.get(self.key)
        if self.op == "=":
            return has and val == self.values[0]
        if self.op == "!=":
            return not has or val != self.values[0]
        if self.op == "in":
            return has and val in self.values
        if self.op == "notin":
            return not has or val not in self.values
        if self.op == "exists":
            return has
        return not has  # "!"


class LabelSelector:
    """A parsed ``labelSelector`` query; ``LabelSelector.parse("")`` matches everything."""

    def __init__(self, reqs: list[Requirement]) -> None:
        self.requirements = reqs

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: dict | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    @classmethod
    def parse(cls, text: str | None) -> "LabelSelector":
        return cls(_LabelParser(text or "").parse())

    @classmethod
    def from_label_selector(cls, sel: dict | None) -> "LabelSelector | None":
        """A metav1.LabelSelector dict (matchLabels/matchExpressions); None selects nothing."""
        if sel is None:
            return None
        reqs = [Requirement(k, "=", (str(v),)) for k, v in sorted((sel.get("matchLabels") or {}).items())]
        for e in sel.get("matchExpressions") or []:
            op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}.get(e.get("operator"), "")
            if op:
                reqs.append(Requirement(e.get("key", ""), op, tuple(e.get("values") or ())))
        return cls(reqs)


class _LabelParser:
    # Token-level messages copied from the recorded answers ("found 'b', expected: ',' or 'end of string'").
    _TOKEN = re.compile(r"\s*(==|!=|=|!|\(|\)|,|[^\s=!(),]+)")

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[str] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = self._TOKEN.match(text, pos)
            if not m:
                raise SelectorError(f"unable to parse requirement: invalid token at {pos}")
            self.toks.append(m.group(1))
            pos = m.end()
        self.i = 0

    def _peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _next(self) -> str | None:
        t = self._peek()
        self.i += 1
        return t

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        if not self.toks:
            return reqs
        while True:
            reqs.append(self._requirement())
            t = self._next()
            if t is None:
                break
            if t != ",":
                raise SelectorError(f"found '{t}', expected: ',' or 'end of string'")
        return reqs

    def _requirement(self) -> Requirement:
        t = self._next()
        if t == "!":
            key = self._next() or ""
            _check_key(key)
            return Requirement(key, "!")
        if t is None or t in ("=", "==", "!=", "(", ")", ","):
            raise SelectorError(f"found '{t or ''}', expected: !, identifier, or 'end of string'")
        key = t
        _check_key(key)
        op = self._peek()
        if op is None or op == ",":
            return Requirement(key, "exists")
        self.i += 1
        if op in ("=", "=="):
            return Requirement(key, "=", (self._value(),))
        if op == "!=":
            return Requirement(key, "!=", (self._value(),))
        if op in ("in", "notin"):
            if self._peek() != "(":
                raise SelectorError(f"unable to parse requirement: found '{self._peek() or ''}' expected: '('")
            self.i += 1
            vals: list[str] = []
            while True:
                v = self._next()
                if v == ")":
                    break
                if v == ",":
                    continue
                if v is None:
                    raise SelectorError("unable to parse requirement: found '', expected: ')'")
                _check_value(v)
                vals.append(v)
            return Requirement(key, op, tuple(vals))
        raise SelectorError(f"found '{op}', expected: in, notin, =, ==, !=, gt, lt")

    def _value(self) -> str:
        v = self._peek()
        if v is None or v == ",":
            return ""
        self.i += 1
        _check_value(v)
        return v


def _check_key(key: str) -> None:
    name = key.rsplit("/", 1)[-1]
    if not name or len(name) > 63 or not _LABEL_VALUE.match(name):
        raise SelectorError(
            f"unable to parse requirement: values[0][{key}]: Invalid value: \"{key}\": name part must consist of "
            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")


def _check_value(v: str) -> None:
    if len(v) > 63 or not _LABEL_VALUE.match(v):
        raise SelectorError(
            f"unable to parse requirement: values[0]: Invalid value: \"{v}\": a valid label must be an empty string or "
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
            "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


# -- field selectors --------------------------------------------------------------------------------

def _get(path: str) -> Callable[[dict], str]:
    parts = path.split(".")

    def getter(obj: dict) -> str:
        cur: object = obj
        for p in parts:
            if not isinstance(cur, dict):
                return ""
            cur = cur.get(p)
        if cur is None:
            return ""
        if isinstance(cur, bool):
            return "true" if cur else "false"
        return str(cur)

    return getter


# Extra fields kube-apiserver accepts per (group, resource) beyond metadata.name/metadata.namespace.
_EXTRA_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "pods"): ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                   "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
    ("", "namespaces"): ("status.phase",),
    ("", "secrets"): ("type",),
    ("", "nodes"): ("spec.unschedulable",),
    ("", "replicationcontrollers"): ("status.replicas",),
    ("", "events"): ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"),
    ("", "persistentvolumeclaims"): (),
    ("batch", "jobs"): ("status.successful",),
    ("certificates.k8s.io", "certificatesigningrequests"): ("spec.signerName",),
    ("", "services"): ("spec.clusterIP", "spec.type"),
}


def supported_fields(group: str, resource: str) -> tuple[str, ...]:
    return ("metadata.name", "metadata.namespace") + _EXTRA_FIELDS.get((group, resource), ())


@dataclass(frozen=True)
class FieldTerm:
    field: str
    op: str  # "=" or "!="
    value: str


class FieldSelector:
    """A parsed ``fieldSelector``; checks the field names a resource supports like the real server."""

    def __init__(self, terms: list[FieldTerm]) -> None:
        self.terms = terms

    @property
    def empty(self) -> bool:
        return not self.terms

    @classmethod
    def parse(cls, text: str | None, group: str = "", resource: str = "") -> "FieldSelector":
        terms: list[FieldTerm] = []
        for part in _split_unescaped(text or ""):
            part = part.strip()
            if not part:
                continue
            m = re.match(r"^([^=!]+?)\s*(==|!=|=)\s*(.*)$", part)
            if not m:
                raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
            field, op, value = m.group(1).strip(), m.group(2), m.group(3)
            terms.append(FieldTerm(field, "!=" if op == "!=" else "=", value.replace("\\,", ",")))
        sel = cls(terms)
        if resource:
            allowed = supported_fields(group, resource)
            for t in terms:
                if t.field not in allowed:
                    only = ", ".join(f'"{f}"' for f in allowed)
                    raise SelectorError(f'"{t.field}" is not a known field selector: only {only}')
        return sel

    def matches(self, obj: dict) -> bool:
        for t in self.terms:
            v = _get(t.field)(obj)
            if (v == t.value) != (t.op == "="):
                return False
        return True

    def name_only(self) -> str | None:
        """The name when the selector is exactly ``metadata.name=<x>`` (lets lists skip the scan)."""
        if len(self.terms) == 1 and self.terms[0].field == "metadata.name" and self.terms[0].op == "=":
            return self.terms[0].value
        return None


def _split_unescaped(text: str) -> list[str]:
    out, cur, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur += text[i:i + 2]
            i += 2
            continue
        if c == ",":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return out
