"""The screens reuse the meetings helpers."""

from tests.meetings.conftest import branch  # noqa: F401 - a fixture
