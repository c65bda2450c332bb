"""The plan stage: map a source inventory onto a target profile.

    from migrate.plan import build_plan
    plan = build_plan("inventory.json", target="rke2", target_version="1.31",
                      profile_file=None,                     # or a whole TargetProfile YAML (replaces --target's)
                      namespace_map={"shop": "shop-prod"},   # or ["shop=shop-prod"]
                      registry_map={"harbor.corp:5000": "registry.example.com/mirror"},
                      out_dir="plan/")                       # None = write nothing

Writes `<out_dir>/plan.json` (a `migrate.models.plan.Plan`: a decision for every source object,
every change as RFC 6902 ops with its rule and reason, blockers first), `<out_dir>/manifests/`
(portable manifests in apply order, validated for the target version; Secrets with keys and empty
values annotated `distroshift.io/data-from-source: "true"`) and `<out_dir>/addons/*.values.yaml`
(values for the `helm upgrade --install` argv of each planned add-on). Keyword-only extras:
`rules_files` (YAML rules, Velero resource-modifier shape), `deprecation_files` (extra API
deprecation entries; they add, never override), `target_context`/`kubeconfig` (read the profile's
served APIs, storage and ingress classes from a live target), `diff=True` with `result=[]` to get
unified diffs back. Bad input raises InputError (path + field); per-object problems are findings.
"""

from migrate.plan.engine import PlanResult, build_plan

__all__ = ["build_plan", "PlanResult"]
