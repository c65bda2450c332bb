"""The `distroshift` command line: thin modules, one per command; parse -> call a stage -> write an artifact."""

__all__: list[str] = []
