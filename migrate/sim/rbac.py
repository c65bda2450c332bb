"""A small authorization model for extra simulator identities (no Role/RoleBinding evaluation).

    serve(None, users={"token-x": {"user": "system:serviceaccount:shop:reader",
                                   "deny": [{"verb": "list", "resource": "secrets"}]}})

Each token authenticates as ``user`` (groups default to what kube-apiserver gives that kind of user).
A request is allowed unless a ``deny`` rule matches it; when ``allow`` is given, it must also match an
``allow`` rule (``"allow": []`` = a ServiceAccount with no RBAC bindings). A rule matches on ``verb``,
``group``, ``resource`` (``pods/log`` for a subresource), ``namespace`` and ``name``; each takes a string
or a list, and a missing key or ``"*"`` matches everything. As in the default RBAC roles, every
authenticated user may always create the self reviews (whoami, can-i) and read discovery, version,
health and OpenAPI documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .faults import RequestFacts

_KEYS = {"verb": "verbs", "group": "groups", "resource": "resources", "namespace": "namespaces", "name": "names"}
# system:basic-user: the self reviews are open to every authenticated user
_SELF_REVIEWS = {("authentication.k8s.io", "selfsubjectreviews"), ("authorization.k8s.io", "selfsubjectaccessreviews"),
                 ("authorization.k8s.io", "selfsubjectrulesreviews")}


@dataclass(frozen=True)
class Rule:
    """One allow/deny rule; an empty tuple means "any"."""

    verbs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: Any, where: str) -> "Rule":
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: a rule is a mapping like {{'verb': 'list', 'resource': 'secrets'}}")
        fields: dict[str, tuple[str, ...]] = {}
        for key, value in spec.items():
            field = _KEYS.get(key, key if key in _KEYS.values() else None)
            if field is None:
                raise ValueError(f"{where}: unknown rule key {key!r} (use {', '.join(_KEYS)})")
            values = (value,) if isinstance(value, str) else tuple(value or ())
            if not all(isinstance(v, str) for v in values):
                raise ValueError(f"{where}.{key}: expected a string or a list of strings")
            fields[field] = () if "*" in values else values
        return cls(**fields)

    def matches(self, verb: str, group: str, resource: str, namespace: str, name: str) -> bool:
        def ok(allowed: tuple[str, ...], value: str) -> bool:
            return not allowed or value in allowed

        return (ok(self.verbs, verb) and ok(self.groups, group) and ok(self.resources, resource)
                and ok(self.namespaces, namespace) and ok(self.names, name))

    def as_resource_rule(self) -> dict:
        """The SelfSubjectRulesReview form of an allow rule."""
        return {"verbs": list(self.verbs) or ["*"], "apiGroups": list(self.groups) or ["*"],
                "resources": list(self.resources) or ["*"], **({"resourceNames": list(self.names)} if self.names else {})}


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...]
    uid: str = ""
    allow: tuple[Rule, ...] | None = None  # None: everything not denied
    deny: tuple[Rule, ...] = ()

    def allowed(self, verb: str, group: str, resource: str, namespace: str = "", name: str = "") -> bool:
        if verb == "create" and (group, resource) in _SELF_REVIEWS:
            return True
        if any(r.matches(verb, group, resource, namespace, name) for r in self.deny):
            return False
        return self.allow is None or any(r.matches(verb, group, resource, namespace, name) for r in self.allow)

    def allows_request(self, facts: RequestFacts) -> bool:
        if not facts.verb:
            return True  # non-resource URLs: discovery, version, health, OpenAPI (system:discovery)
        resource = facts.resource + (f"/{facts.subresource}" if facts.subresource else "")
        return self.allowed(facts.verb, facts.group, resource, facts.namespace, facts.name)

    def user_info(self) -> dict:
        info: dict[str, Any] = {"username": self.name}
        if self.uid:
            info["uid"] = self.uid
        info["groups"] = list(self.groups)
        return info


def default_groups(username: str) -> tuple[str, ...]:
    """The groups kube-apiserver's authenticators add for a user of that name."""
    if username.startswith("system:serviceaccount:"):
        ns = username.split(":")[2]
        return ("system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated")
    return ("system:authenticated",)


def parse_users(spec: dict | None) -> dict[str, User]:
    """``{token: {"user", "groups"?, "uid"?, "allow"?, "deny"?}}`` -> ``{token: User}``; ValueError on a bad spec."""
    out: dict[str, User] = {}
    for token, u in (spec or {}).items():
        where = "users[<token>]"  # never echo a credential in an error
        if not isinstance(token, str) or not token or not isinstance(u, dict) or not isinstance(u.get("user"), str):
            raise ValueError(f"{where}: expected {{token: {{'user': NAME, 'allow'?: [...], 'deny'?: [...]}}}}")
        unknown = set(u) - {"user", "groups", "uid", "allow", "deny"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        allow = u.get("allow")
        out[token] = User(
            name=u["user"],
            groups=tuple(u.get("groups") or default_groups(u["user"])),
            uid=str(u.get("uid") or ""),
            allow=None if allow is None else tuple(Rule.parse(r, f"{where}.allow[{i}]") for i, r in enumerate(allow)),
            deny=tuple(Rule.parse(r, f"{where}.deny[{i}]") for i, r in enumerate(u.get("deny") or ())),
        )
    return out
