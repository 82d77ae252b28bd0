"""Pages of the datastore app: table pages, charts, loading and the staff review pages (`tables.py`)."""
