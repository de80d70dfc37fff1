from pathlib import Path

import pytest
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The shared, synthetic but realistic export files (shared/ sits beside the repository)."""
    assert FIXTURES.is_dir(), f"the shared fixtures are missing: {FIXTURES}"
    return FIXTURES
