"""catalogpress: a static site generator for IT service catalogs."""

__version__ = "0.1.0"
