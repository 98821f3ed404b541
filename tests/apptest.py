"""The dashboard in Streamlit's AppTest, as the page tests open it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def open_app(**params: str) -> AppTest:
    """The dashboard after its first run with ``params`` in its URL, which raised nothing."""
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
