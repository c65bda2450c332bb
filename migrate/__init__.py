"""distroshift: move workloads between Kubernetes distributions and prove the target is conformant."""

__version__ = "0.1.0"
__all__ = ["__version__"]
