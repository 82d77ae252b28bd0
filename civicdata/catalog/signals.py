"""What the catalog announces, for the apps above it to act on (the catalog never imports them).

Apps connect receivers in their `AppConfig.ready()` with a `dispatch_uid`. Every signal is sent with
keyword arguments only, named below; receivers take `**kwargs` too so a new argument breaks nobody.

- `dataset_published(sender=Dataset, dataset=, by=)`: a dataset became part of the catalog; sent once
  the publishing transaction has committed.
- `dataset_viewed(sender=Dataset, dataset=)`: someone opened a dataset page (nothing about them is sent).
- `dataset_downloaded(sender=Distribution, dataset=, distribution=)`: someone followed a download link.
- `search_found_nothing(sender=None, query=, language=)`: a catalog search (first page) had no results.
"""

from __future__ import annotations

from django.dispatch import Signal

dataset_published = Signal()
dataset_viewed = Signal()
dataset_downloaded = Signal()
search_found_nothing = Signal()
