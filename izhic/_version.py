"""The version of izhic, in one place (read by pyproject.toml too)."""
__version__ = "0.2.0.dev0"
