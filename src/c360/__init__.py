"""c360: customer 360 data lake."""

__version__ = "0.1.0"
