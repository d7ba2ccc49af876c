"""The portal's world (a partner and a curator with their accounts) for every route test."""

from tests.api.routes.portal.accounts import world

__all__ = ["world"]
