"""The application with one route that fails unexpectedly, for tests of the catch-all answer
(`uvicorn --factory tests.fault_app:app_with_a_fault`, or in-process)."""

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings

FAULT_PATH = "/test-fault"


def app_with_a_fault(settings: Settings | None = None) -> FastAPI:
    app = create_app(settings)

    @app.get(FAULT_PATH)
    def fault() -> None:
        raise RuntimeError("a bug nobody foresaw")

    return app
