"""NeuroVerse: a deep-learning archive rendered from one YAML catalogue."""

__version__ = "0.1.0"
