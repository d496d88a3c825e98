"""presswork: one manuscript in, every product a publisher ships out."""

__version__ = "0.1.0"
