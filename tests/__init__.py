"""Test suite (a package, so that each conftest.py imports under its own name)."""
