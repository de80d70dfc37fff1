from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """Synthetic but realistic export files, kept in tests/fixtures/ with the suite."""
    return FIXTURES
