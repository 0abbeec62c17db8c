"""News-event geoparsing: articles → places, actors, dates → events on a map."""

__version__ = "0.1.0"
