"""translator: offline article translation and localization."""

__version__ = "0.1.0"
