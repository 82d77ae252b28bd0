"""The public catalog tools: the data.json validator and the catalog merger.

Self-contained: the checks (`validation/`), the merger (`merging.py`), where a catalog comes from
(`inputs.py`), terminal output (`text.py`) and their pages, forms, URLs and JSON API. Nothing here writes
to the database.
"""
