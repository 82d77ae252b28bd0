"""civicdata datastore app."""
