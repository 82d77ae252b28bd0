"""Pages of the catalog app: public pages (`public.py`), staff editing and harvests (`staff.py`) and the
catalog exports (`exports.py`). The validator and merger pages live with the tools in `catalog/tools/`."""
