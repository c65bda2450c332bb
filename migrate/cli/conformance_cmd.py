"""`distroshift conformance [run]` and `distroshift conformance bundle`: thin parsing over conformance/."""

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrate.cli.common import ContextOpt, KubeconfigOpt, OutputFormat, OutputOpt, emit, pick
from migrate.errors import GateFailed, InputError, Interrupted

# Its own paragraph, one code a line: typer keeps the line breaks of every paragraph but the first.
EXIT_CODES = """

Exit codes:
0    passed
1    the gate failed: unexpected e2e failures, failing checks, plugin
     errors, a timeout, or no results at all (unknown is never a pass)
2    bad input: a flag, the known-failures file, the tarball, an
     unknown context or an unreachable cluster
3    could not run: sonobuoy missing or failing, unusable results
130  interrupted
"""

RUN_HELP = (
    "Run CNCF conformance on the target cluster with sonobuoy, read the results tarball, apply known "
    "failures, and write conformance.json + junit.xml. With --from-tarball nothing is run: an existing "
    "tarball is read (and the output says so)." + EXIT_CODES
)
BUNDLE_HELP = (
    "Build a CNCF k8s-conformance submission folder (PRODUCT.yaml, README.md, e2e.log, junit_01.xml) "
    "from a results tarball and review it like the CNCF bot does; or, with --check DIR, review an "
    "existing folder." + EXIT_CODES
)

_DUR = re.compile(r"(\d+(?:\.\d+)?)([hms]?)")


def parse_duration(text: str, flag: str) -> float:
    """'3h', '90m', '1h30m', '45s', '600' (seconds)."""
    t = text.strip().lower()
    pos, total = 0, 0.0
    for m in _DUR.finditer(t):
        if m.start() != pos:
            break
        total += float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "": 1}[m.group(2)]
        pos = m.end()
    if not t or pos != len(t) or total <= 0:
        raise InputError(f"{text!r} is not a duration like 3h, 90m, 1h30m or 600", field=flag)
    return total


def _table(result):
    from rich.markup import escape
    from rich.table import Table

    from conformance.results import headline

    t = Table(title=f"conformance: {'PASS' if result.exit_code() == 0 else 'FAIL'}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    rows = [
        ("mode", result.mode),
        ("run status", result.run_status),
        ("result status", result.result_status),
        ("sonobuoy", result.sonobuoy_version or "-"),
        ("server", result.server_version or "-"),
        ("passed / failed / skipped", f"{result.passed} / {result.failed} / {result.skipped}"),
        ("expected failures", str(len(result.expected_failures))),
        ("unexpected failures", str(len(result.unexpected_failures))),
        ("plugin errors", str(sum(not e.timeout for e in result.plugin_errors))),
        ("plugin timeouts", str(sum(e.timeout for e in result.plugin_errors))),
        ("checks failing", str(sum(c.failing for c in result.checks))),
    ]
    if result.message:
        rows.insert(0, ("note", result.message))
    for k, v in rows:
        t.add_row(k, escape(v))
    # test names are full of [brackets]: escape them or rich eats them as markup
    for f in result.unexpected_failures:
        t.add_row("[red]FAIL[/red]", escape(f"{f.name}\n{headline(f.message)}"))
    for f in result.expected_failures:
        t.add_row("[yellow]known[/yellow]", escape(f"{f.name}\nreason: {f.reason}"))
    for e in result.plugin_errors:
        t.add_row("[red]plugin timeout[/red]" if e.timeout else "[red]plugin error[/red]", escape(f"{e.plugin}: {e.message}"))
    for reason in result.gate_reasons():
        t.add_row("[red]gate[/red]", escape(reason))
    return t


def _bundle_table(b):
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"CNCF bundle {escape(b.folder)} ({b.k8s_version}): {'PASS' if b.passed else 'FAIL'}")
    t.add_column("check")
    t.add_column("status")
    t.add_column("message")
    for c in b.checks:
        style = {"Passed": "green", "Failed": "red", "Error": "red", "Skipped": "yellow"}[c.status.value]
        t.add_row(escape(c.title), f"[{style}]{c.status.value}[/{style}]", escape(c.message))
    return t


def _do_run(
    ctx: typer.Context,
    kubeconfig,
    context,
    mode,
    sonobuoy,
    known_failures,
    junit_out,
    out,
    from_tarball,
    timeout,
    poll_interval,
    plugin,
    e2e_focus,
    e2e_skip,
    sonobuoy_image,
    kube_conformance_image,
    systemd_logs_image,
    e2e_repo_config,
    rerun_failed,
    output,
) -> None:
    from conformance import stage
    from conformance._progress import ProgressView
    from conformance.gate import load_known_failures
    from conformance.sonobuoy import RunOptions, Sonobuoy

    known = load_known_failures(known_failures) if known_failures else []
    out_dir = Path(out)
    if from_tarball:
        result_out = stage.replay(from_tarball, known)
        typer.echo(f"note: replaying {from_tarball}; no tests were run now", err=True)
    else:
        opts = RunOptions(
            mode=mode,
            plugins=list(plugin or []),
            e2e_focus=e2e_focus,
            e2e_skip=e2e_skip,
            sonobuoy_image=sonobuoy_image,
            kube_conformance_image=kube_conformance_image,
            systemd_logs_image=systemd_logs_image,
            e2e_repo_config=e2e_repo_config,
            rerun_failed=rerun_failed,
            timeout=parse_duration(timeout, "--timeout"),
            poll_interval=parse_duration(poll_interval, "--poll-interval"),
        )
        opts.validate()
        kc, cx = pick(kubeconfig, ctx, "kubeconfig"), pick(context, ctx, "context")
        sb = Sonobuoy(sonobuoy, kubeconfig=kc, context=cx)
        # sonobuoy finds an unknown context or a dead API server only deep into its run (and the
        # "results" are then empty); check the cluster the way every other live command does.
        from migrate.cluster import connect

        connect(kc, cx).ensure_reachable()
        try:
            with ProgressView() as view:
                result_out = stage.run(
                    sb, opts, out_dir, known, on_progress=view, on_warning=view.warn, source=cx or kc or ""
                )
        except KeyboardInterrupt:
            # typer turns a bare KeyboardInterrupt into a *returned* 130 that main ignores; make it an error
            raise Interrupted("interrupted; the sonobuoy run was cleaned up with `sonobuoy delete --wait`") from None
    result_path, junit_path = stage.write_outputs(result_out, out_dir, Path(junit_out) if junit_out else None)
    r = result_out.result
    emit(r, output, table=_table(r))
    typer.echo(f"wrote {result_path} and {junit_path}", err=True)
    reasons = r.gate_reasons()
    if reasons:
        raise GateFailed("conformance gate failed: " + "; ".join(reasons))


def register(app: typer.Typer) -> None:
    grp = typer.Typer(
        name="conformance",
        help="Run CNCF conformance (sonobuoy) and gate CI on it; build a CNCF submission bundle." + EXIT_CODES,
        invoke_without_command=True,
        no_args_is_help=False,
    )

    def run_cmd(
        ctx: typer.Context,
        kubeconfig: KubeconfigOpt = None,
        context: ContextOpt = None,
        mode: Annotated[str, typer.Option("--mode", help="quick | non-disruptive-conformance | certified-conformance")] = "non-disruptive-conformance",
        sonobuoy: Annotated[Optional[str], typer.Option("--sonobuoy", help="Path of the sonobuoy binary (default: from PATH).")] = None,
        known_failures: Annotated[Optional[str], typer.Option("--known-failures", help="YAML list of {test, reason, expires?}; 'regex:' prefix for patterns.")] = None,
        junit_out: Annotated[Optional[str], typer.Option("--junit", help="Where to write JUnit XML (default: <out>/junit.xml).")] = None,
        out: Annotated[str, typer.Option("--out", help="Directory for conformance.json, junit.xml and the tarball.")] = "results",
        from_tarball: Annotated[Optional[str], typer.Option("--from-tarball", help="Read this existing results tarball or directory instead of running.")] = None,
        timeout: Annotated[str, typer.Option("--timeout", help="Give up (and delete the run) after this long: 3h, 90m, 600.")] = "3h",
        poll_interval: Annotated[str, typer.Option("--poll-interval", help="Seconds between `sonobuoy status` polls.")] = "10",
        plugin: Annotated[Optional[list[str]], typer.Option("--plugin", help="Passed to `sonobuoy run --plugin` (repeatable).")] = None,
        e2e_focus: Annotated[Optional[str], typer.Option("--e2e-focus", help="Passed to sonobuoy.")] = None,
        e2e_skip: Annotated[Optional[str], typer.Option("--e2e-skip", help="Passed to sonobuoy.")] = None,
        sonobuoy_image: Annotated[Optional[str], typer.Option("--sonobuoy-image", help="Air-gapped: sonobuoy image from your registry.")] = None,
        kube_conformance_image: Annotated[Optional[str], typer.Option("--kube-conformance-image", help="Air-gapped: conformance image.")] = None,
        systemd_logs_image: Annotated[Optional[str], typer.Option("--systemd-logs-image", help="Air-gapped: systemd-logs image.")] = None,
        e2e_repo_config: Annotated[Optional[str], typer.Option("--e2e-repo-config", help="Air-gapped: e2e test image registry mapping file.")] = None,
        rerun_failed: Annotated[Optional[str], typer.Option("--rerun-failed", help="Rerun only the tests that failed in this earlier tarball.")] = None,
        output: OutputOpt = OutputFormat.table,
    ) -> None:
        _do_run(ctx, kubeconfig, context, mode, sonobuoy, known_failures, junit_out, out, from_tarball, timeout,
                poll_interval, plugin, e2e_focus, e2e_skip, sonobuoy_image, kube_conformance_image,
                systemd_logs_image, e2e_repo_config, rerun_failed, output)

    # `distroshift conformance [flags]` and `distroshift conformance run [flags]` are the same command
    def default(ctx: typer.Context, **kw) -> None:
        if ctx.invoked_subcommand is None:
            run_cmd(ctx, **kw)

    default.__signature__ = __import__("inspect").signature(run_cmd)  # type: ignore[attr-defined]
    grp.callback(help=RUN_HELP)(default)
    grp.command("run", help=RUN_HELP)(run_cmd)

    @grp.command("bundle", help=BUNDLE_HELP)
    def bundle_cmd(
        results: Annotated[Optional[str], typer.Option("--results", help="Results tarball (or extracted directory).")] = None,
        check: Annotated[Optional[str], typer.Option("--check", help="Review this existing submission folder instead of building one.")] = None,
        product: Annotated[Optional[str], typer.Option("--product", help="PRODUCT.yaml to include.")] = None,
        vendor: Annotated[Optional[str], typer.Option("--vendor")] = None,
        name: Annotated[Optional[str], typer.Option("--name")] = None,
        product_version: Annotated[Optional[str], typer.Option("--product-version", help="The product's own version.")] = None,
        product_type: Annotated[str, typer.Option("--type", help="distribution | hosted | installer")] = "distribution",
        description: Annotated[Optional[str], typer.Option("--description")] = None,
        website_url: Annotated[Optional[str], typer.Option("--website-url")] = None,
        repo_url: Annotated[Optional[str], typer.Option("--repo-url")] = None,
        documentation_url: Annotated[Optional[str], typer.Option("--documentation-url")] = None,
        product_logo_url: Annotated[Optional[str], typer.Option("--product-logo-url")] = None,
        contact_email: Annotated[Optional[str], typer.Option("--contact-email")] = None,
        k8s_version: Annotated[Optional[str], typer.Option("--k8s-version", help="Folder version, e.g. v1.28 (default: from the results / folder name).")] = None,
        current: Annotated[Optional[str], typer.Option("--current-version", help="Newest Kubernetes minor accepted (default: conformance.bundle.CURRENT_K8S_VERSION).")] = None,
        out: Annotated[Optional[str], typer.Option("--out", help="Directory to write the submission into.")] = None,
        output: OutputOpt = OutputFormat.table,
    ) -> None:
        from conformance import bundle as b

        cur = current or b.CURRENT_K8S_VERSION
        if check:
            res = b.check_submission(check, k8s_version, cur)
        else:
            if not results or not out:
                raise InputError("give --results TARBALL and --out DIR (or --check DIR)", field="--results")
            if product:
                prod = b.load_product(product)
            else:
                fields = {
                    "vendor": vendor, "name": name, "version": product_version, "website_url": website_url,
                    "repo_url": repo_url, "documentation_url": documentation_url, "product_logo_url": product_logo_url,
                    "type": product_type, "description": description, "contact_email_address": contact_email,
                }
                prod = {k: v for k, v in fields.items() if v}
                missing = [k for k in b.PRODUCT_REQUIRED if k not in prod]
                if missing:
                    raise InputError(
                        "give --product PRODUCT.yaml or all of " + ", ".join("--" + m.replace("_", "-").replace("version", "product-version") for m in missing),
                        field="--product",
                    )
            res = b.build_bundle(results, out, prod, k8s_version, cur)
        emit(res, output, table=_bundle_table(res))
        if not res.passed:
            failing = [c for c in res.checks if c.failing]
            raise GateFailed(f"CNCF bundle review failed: {failing[0].message}" + (f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""))

    app.add_typer(grp, name="conformance")
