"""Fixtures shared by the suite: the store on each back end, and a real PostgreSQL server.

The PostgreSQL server is started once per test run (``storage.local_postgres``: a throwaway
cluster in a temporary folder, run as an unprivileged user when the tests run as root) and
stopped at the end. Each test that asks for a store gets a new empty database on it.
"""

from __future__ import annotations

import itertools

import pytest

from storage import Store, open_store
from storage.local_postgres import start as start_postgres

BACKENDS = ["sqlite", "postgresql"]
_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL of a new, empty database on the test run's PostgreSQL server."""
    return postgres_server.create_database(f"test_{next(_names)}")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def reopen(backend, tmp_path, request):
    """A function that opens the store on this test's database, as a new process would;
    every store it opened is closed at the end."""
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else ""
    opened: list[Store] = []

    def open_again() -> Store:
        store = open_store(tmp_path, url=url)
        opened.append(store)
        return store

    yield open_again
    for store in opened:
        store.close()


@pytest.fixture
def store(reopen) -> Store:
    return reopen()
