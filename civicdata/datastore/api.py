"""API of the datastore app."""

from ninja import Router

router = Router()
