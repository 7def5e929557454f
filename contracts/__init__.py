"""The OpenAPI contracts, installed as the data package `mockserver.contracts` (see setup.py)."""
