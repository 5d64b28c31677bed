"""runback: a back-care companion for runners who sit all day."""

__all__ = ["__version__"]

__version__ = "0.1.0"
