"""Redline: review vendors' agreements from the customer's side, offline."""

__version__ = "0.1.0"
