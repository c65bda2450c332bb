"""install-addons: print the plan's Helm installs; run them only when asked and helm is present."""

from __future__ import annotations

from migrate.errors import ToolError
from migrate.execs import find_tool, redact_argv
from migrate.models.state import StepStatus


def run(ctx, step, st) -> None:
    installs = [a for a in ctx.plan.addons if a.install is not None and a.install.command]
    if not installs:
        st.status = StepStatus.Skipped
        st.message = "the plan has no add-on installs"
        return
    helm = None
    if step.params.run and not ctx.dry_run:
        try:
            helm = find_tool("helm", ctx.options.helm)
        except ToolError as e:
            st.actions.append(f"not running the installs: {e}")
    done = st.data.setdefault("installed", [])
    seen: set[str] = set()
    for a in installs:
        argv = list(a.install.command)
        shown = " ".join(redact_argv(argv))
        if shown in seen:  # one chart can replace several source add-ons: install it once
            continue
        seen.add(shown)
        if helm is None or a.source_id in done:
            st.actions.append(f"{'(done) ' if a.source_id in done else ''}{shown}")
            continue
        if ctx.options.kubeconfig and "--kubeconfig" not in argv:
            argv += ["--kubeconfig", ctx.options.kubeconfig]
        if ctx.options.target_context and "--kube-context" not in argv:
            argv += ["--kube-context", ctx.options.target_context]
        if argv[0] == "helm":
            argv[0] = helm
        out = ctx.runner(argv, timeout=900)
        if out.returncode != 0:
            raise ToolError(f"install of {a.source_name} failed", tool="helm", argv=redact_argv(argv),
                            rc=out.returncode, stderr_tail=out.stderr)
        done.append(a.source_id)
        ctx.save()
        st.actions.append(f"ran: {shown}")
    st.message = (f"installed {len(done)} add-on(s)" if helm else
                  f"{len(seen)} install command(s) printed; set 'with: {{run: true}}' and have helm on PATH to run them")
