"""Data shipped with the conformance stage: required conformance test lists per Kubernetes minor.

required-<version>.txt is generated from a real certified-conformance junit_01.xml by
`python -m conformance.data.regenerate JUNIT --version vX.Y`; never edit it by hand.
"""

__all__: list[str] = []
