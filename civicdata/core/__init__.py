"""civicdata core app."""
