"""pytest fixtures for the simulated API server (filled in by the simulator)."""
