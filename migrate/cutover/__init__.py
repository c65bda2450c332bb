"""Cutover engines: velero (CLI wrapper + restore ConfigMaps), native (server-side apply), quiesce."""

__all__ = ["velero", "velero_config", "native", "quiesce"]
