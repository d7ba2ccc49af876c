"""Fixtures of the page tests: one Chromium for the whole session (a fixture imported into two
test modules would be two fixtures, and Playwright refuses a second one in the same process)."""

from tests.browser import browser

__all__ = ["browser"]
