import sys
from pathlib import Path

import pytest

from ember.vision import _image

sys.path.insert(0, str(Path(__file__).parent))  # the formats helper module


@pytest.fixture
def no_pillow(monkeypatch):
    """Behave as if Pillow were not installed."""
    monkeypatch.setattr(_image, "pil_image_module", lambda: None)
