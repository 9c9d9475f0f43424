import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent

@pytest.fixture(autouse=True, scope='session')
def _private_cache(tmp_path_factory):
    "Tests never write to the user's cache or data directories"
    os.environ['PIANOGEN_CACHE'] = str(tmp_path_factory.mktemp('cache'))   # even when the user has set one
    os.environ['PIANOGEN_DATA'] = str(tmp_path_factory.mktemp('data'))

@pytest.fixture(scope='session')
def real_midi_dir():
    "The shared piano-midi.de folder, or skip the test with the reason"
    from pianogen.data import shared_data_dir
    d = shared_data_dir()
    if d is None: pytest.skip('real MIDI data absent: ../shared/data/piano-midi-de not found beside the repository')
    return d
