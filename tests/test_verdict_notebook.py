"""nbs/05a_verdict.ipynb renders whatever verdict tools/verdict.py writes: here one with one model more beside
the shipped, the previous and the `seed` one, with no edit to the notebook."""
import json, shutil
from pathlib import Path
import nbdev.test as nbdev_test   # not `from ... import test_nb`: pytest would collect it as a test

NBS = Path(__file__).resolve().parent.parent / 'nbs'

def test_a_verdict_with_another_model_renders(tmp_path):
    shutil.copy(NBS / '05a_verdict.ipynb', tmp_path)
    out = tmp_path / 'verdict'; shutil.copytree(NBS / 'verdict', out)
    v = json.loads((out / 'verdict.json').read_text(encoding='utf-8'))
    for part in ('discriminability', 'roa', 'sets'): v[part]['another model'] = v[part]['generated']
    v['names']['another model'] = 'another model'
    v['folders'] = {**v.get('folders', {'generated': 'lstm', 'seed model': 'seed'}), 'another model': 'lstm'}
    (out / 'verdict.json').write_text(json.dumps(v), encoding='utf-8')
    table = (out / 'table.md').read_text(encoding='utf-8')
    label = v['names']['generated']
    row = next(l for l in table.splitlines() if l.startswith(f'| {label} |'))
    (out / 'table.md').write_text(table.replace(row, row + '\n' + row.replace(label, 'another model')), encoding='utf-8')
    ok, _ = nbdev_test.test_nb(tmp_path / '05a_verdict.ipynb')
    assert ok, '05a_verdict.ipynb failed on a verdict with one model more (traceback above)'

def test_a_wrong_table_is_caught(tmp_path):
    shutil.copy(NBS / '05a_verdict.ipynb', tmp_path)
    out = tmp_path / 'verdict'; shutil.copytree(NBS / 'verdict', out)
    v = json.loads((out / 'verdict.json').read_text(encoding='utf-8'))
    v['roa']['generated']['score'] = 0.123      # the record and the table no longer agree
    (out / 'verdict.json').write_text(json.dumps(v), encoding='utf-8')
    ok, _ = nbdev_test.test_nb(tmp_path / '05a_verdict.ipynb', showerr=False)
    assert not ok
