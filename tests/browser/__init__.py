"""Real-browser and proxy tests (a package, so that its conftest does not clash with tests/app)."""
