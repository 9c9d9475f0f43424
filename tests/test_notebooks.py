"""Every notebook in nbs/ runs top to bottom: its examples are its tests.

Cells flagged `#| slow` run too (they skip themselves when ../shared/data is absent); set
PIANOGEN_SKIP_SLOW=1 to leave them out. Cells flagged `#| notest` never run here."""
import os
from pathlib import Path
import pytest
import nbdev.test as nbdev_test   # not `from ... import test_nb`: pytest would collect it as a test

NBS = Path(__file__).resolve().parent.parent / 'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    skip = ['notest'] + (['slow'] if os.environ.get('PIANOGEN_SKIP_SLOW') else [])
    ok, secs = nbdev_test.test_nb(nb, skip_flags=skip)
    assert ok, f'{nb.name} failed (traceback above)'
