"""The simulated Kubernetes API server (imported only by the CLI and tests)."""
