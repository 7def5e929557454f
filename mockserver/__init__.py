"""mockserver: a local sandbox that answers like four credential providers' APIs."""

__version__ = "0.1.0"
