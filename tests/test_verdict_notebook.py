"""nbs/05a_verdict.ipynb renders whatever verdict tools/verdict.py writes: here one with a third model beside the
shipped and the `seed` one (as when a new model is judged next to the previous), with no edit to the notebook."""
import json, shutil
from pathlib import Path
import nbdev.test as nbdev_test   # not `from ... import test_nb`: pytest would collect it as a test

NBS = Path(__file__).resolve().parent.parent / 'nbs'

def test_a_verdict_with_another_model_renders(tmp_path):
    shutil.copy(NBS / '05a_verdict.ipynb', tmp_path)
    out = tmp_path / 'verdict'; shutil.copytree(NBS / 'verdict', out)
    v = json.loads((out / 'verdict.json').read_text(encoding='utf-8'))
    for part in ('discriminability', 'roa', 'sets'): v[part]['previous model'] = v[part]['generated']
    v['names']['previous model'] = 'previous shipped model'
    v['folders'] = {'generated': 'lstm', 'seed model': 'seed', 'previous model': 'lstm'}
    (out / 'verdict.json').write_text(json.dumps(v), encoding='utf-8')
    table = (out / 'table.md').read_text(encoding='utf-8')
    row = next(l for l in table.splitlines() if l.startswith('| shipped model (lstm) |'))
    (out / 'table.md').write_text(table.replace(row, row + '\n' + row.replace('shipped model (lstm)', 'previous shipped model')), encoding='utf-8')
    ok, _ = nbdev_test.test_nb(tmp_path / '05a_verdict.ipynb')
    assert ok, '05a_verdict.ipynb failed on a verdict with three models (traceback above)'

def test_a_wrong_table_is_caught(tmp_path):
    shutil.copy(NBS / '05a_verdict.ipynb', tmp_path)
    out = tmp_path / 'verdict'; shutil.copytree(NBS / 'verdict', out)
    v = json.loads((out / 'verdict.json').read_text(encoding='utf-8'))
    v['roa']['generated']['score'] = 0.123      # the record and the table no longer agree
    (out / 'verdict.json').write_text(json.dumps(v), encoding='utf-8')
    ok, _ = nbdev_test.test_nb(tmp_path / '05a_verdict.ipynb', showerr=False)
    assert not ok
