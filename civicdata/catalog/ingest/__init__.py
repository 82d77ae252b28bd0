"""Catalog intake for the harvest service (`catalog/services/harvests.py`): read a catalog document
(`reading.py`), locate and fetch it (`sources.py`), and plan what an import would change (`planning.py`).
Nothing here writes; the service applies the plan.
"""
