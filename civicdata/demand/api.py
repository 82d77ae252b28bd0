"""API of the demand app."""

from ninja import Router

router = Router()
