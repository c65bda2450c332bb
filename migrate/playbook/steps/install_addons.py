"""install-addons: the plan's Helm installs, each argv once.

With `with: {run: true}` and a helm binary: runs them against the target. Otherwise a gate: it
prints the exact commands and stops (exit 4) until the operator has installed them and re-runs
with --resume --yes. Right after it, addons-ready checks the CRDs the plan needs are Established
(when the playbook has no addons-ready step, this step checks them itself once passed).
"""

from __future__ import annotations

from migrate.errors import ToolError
from migrate.execs import find_tool, redact_argv
from migrate.models.state import StepStatus
from migrate.playbook.steps import _checks
from migrate.playbook.steps._common import gate


def _check_here(ctx, st) -> None:
    idx = next(i for i, s in enumerate(ctx.state.steps) if s.id == st.id)
    if not any(s.type == "addons-ready" for s in ctx.state.steps[idx + 1:]):
        _checks.addons_ready(ctx, st)


def run(ctx, step, st) -> None:
    commands = _checks.addon_commands(ctx.plan)
    if not commands:
        st.status = StepStatus.Skipped
        st.message = "the plan has no add-on installs"
        _check_here(ctx, st)
        return
    helm = None
    if step.params.run and not ctx.dry_run:
        try:
            helm = find_tool("helm", ctx.options.helm)
        except ToolError as e:
            st.actions.append(f"not running the installs: {e}")
    done = st.data.setdefault("installed", [])  # shown argv already run
    for argv0 in commands:
        argv = list(argv0)
        shown = " ".join(redact_argv(argv))
        if helm is None or shown in done:
            st.actions.append(f"{'(done) ' if shown in done else ''}{shown}")
            continue
        if ctx.options.kubeconfig and "--kubeconfig" not in argv:
            argv += ["--kubeconfig", ctx.options.kubeconfig]
        if ctx.options.target_context and "--kube-context" not in argv:
            argv += ["--kube-context", ctx.options.target_context]
        if argv[0] == "helm":
            argv[0] = helm
        out = ctx.runner(argv, timeout=900)
        if out.returncode != 0:
            raise ToolError(f"install of {argv0[3] if len(argv0) > 3 else shown} failed", tool="helm",
                            argv=redact_argv(argv), rc=out.returncode, stderr_tail=out.stderr)
        done.append(shown)
        ctx.save()
        st.actions.append(f"ran: {shown}")
    if helm is not None:
        st.message = f"installed {len(done)} add-on(s)"
        _check_here(ctx, st)
        return
    st.data["commands"] = len(commands)
    gate(ctx, st, f"install these {len(commands)} add-on(s) on the target (commands above; or set 'with: {{run: true}}' "
                  "with helm on PATH), then --resume --yes")
    if st.status != StepStatus.WaitingApproval and not ctx.dry_run:
        _check_here(ctx, st)
