"""Shared test set-up."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _query_cache(tmp_path_factory):
    """The dashboard's query databases (geo.store.query_db, written by every build) in the
    session's temporary folder, not the system's."""
    old = os.environ.get("NEWSMAP_QUERY_CACHE")
    os.environ["NEWSMAP_QUERY_CACHE"] = str(tmp_path_factory.mktemp("query-cache"))
    yield
    if old is None:
        os.environ.pop("NEWSMAP_QUERY_CACHE", None)
    else:
        os.environ["NEWSMAP_QUERY_CACHE"] = old
