"""Cluster access: the ONLY package that imports `kubernetes`.

ClusterClient speaks raw JSON over the official client's TLS/auth setup (kubeconfig, contexts,
exec plugins, client certs), with retries on 429/5xx/timeouts/resets and Status-carrying errors.
"""

from migrate.cluster.client import ApiResource, ClusterClient, RetryPolicy, connect

__all__ = ["ApiResource", "ClusterClient", "RetryPolicy", "connect"]
