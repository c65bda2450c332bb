"""Option types and output helpers shared by every command (kubectl conventions)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Optional

import typer
import yaml

__all__ = [
    "GlobalOptions",
    "KubeconfigOpt",
    "ContextOpt",
    "NamespaceOpt",
    "OutputOpt",
    "OutputFormat",
    "emit",
    "not_built",
    "global_options",
]


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    yaml = "yaml"


KubeconfigOpt = Annotated[
    Optional[str], typer.Option("--kubeconfig", metavar="FILE", help="Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
]
ContextOpt = Annotated[Optional[str], typer.Option("--context", metavar="NAME", help="The kubeconfig context to use.")]
NamespaceOpt = Annotated[
    Optional[list[str]], typer.Option("--namespace", "-n", metavar="NS", help="Namespace(s) to include; repeat the flag for several.")
]
OutputOpt = Annotated[OutputFormat, typer.Option("--output", "-o", metavar="table|json|yaml", help="Output format: table, json or yaml.")]


@dataclass
class GlobalOptions:
    kubeconfig: str | None = None
    context: str | None = None


def global_options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions()


def pick(local: str | None, ctx: typer.Context, name: str) -> str | None:
    """A command's own --kubeconfig/--context wins over the global one."""
    return local if local is not None else getattr(global_options(ctx), name)


def emit(data: Any, fmt: OutputFormat, table: Any = None) -> None:
    """Print `data` as json/yaml, or the rich renderable `table` for -o table."""
    if fmt == OutputFormat.json and hasattr(data, "model_dump_json"):
        # straight from pydantic: a 100k-object plan as dicts and then one string would cost ~1 GB more
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
        return
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    if fmt == OutputFormat.json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
    elif fmt == OutputFormat.yaml:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False))
    else:
        from rich.console import Console

        Console(width=None).print(table if table is not None else data)


def not_built(command: str, issue: str) -> None:
    from migrate.errors import InputError

    raise InputError(f"'distroshift {command}' is not built yet ({issue})")
