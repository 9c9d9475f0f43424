"The README says what the project's files say: generated from index.ipynb, with the verdict's own tables"
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location('make_readme', ROOT / 'tools' / 'make_readme.py')
make_readme = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_readme)

def test_readme_is_generated_from_index():
    assert (ROOT / 'README.md').read_text() == make_readme.readme_text(), 'run `python tools/make_readme.py`'

def test_readme_shows_the_verdicts_tables():
    tables = sorted((ROOT / 'nbs' / 'verdict').glob('*.md'))
    assert tables, 'no verdict table in nbs/verdict/'
    assert make_readme.stale_verdict_tables((ROOT / 'README.md').read_text()) == []

def test_a_stale_table_is_caught(tmp_path):
    (tmp_path / 'table.md').write_text('| metric | generated |\n|---|---|\n| **rOA** | **0.739** |\n')
    assert make_readme.stale_verdict_tables((ROOT / 'README.md').read_text(), tmp_path) == ['table.md']

def test_licence_files():
    import json
    assert 'Apache License' in (ROOT / 'LICENSE').read_text() and 'Version 2.0' in (ROOT / 'LICENSE').read_text()
    card = json.loads((ROOT / 'pianogen' / 'assets' / 'model.json').read_text(encoding='utf-8'))
    assert isinstance(card['weights_licence'], str) and card['weights_licence']
    assert card['training_data'] and all(set(d) == {'collection', 'licence', 'credit', 'pieces', 'notes'} for d in card['training_data'])
    assert card['weights_licence'] in (ROOT / 'README.md').read_text()

def test_ci_workflow_runs_ci_run_on_oldest_and_newest_python():
    import pytest
    yaml = pytest.importorskip('yaml', reason='PyYAML absent: it comes with the dev requirements (jupyter)')
    job = yaml.safe_load((ROOT / '.github' / 'workflows' / 'test.yaml').read_text())['jobs']['test']
    assert job['strategy']['matrix']['python-version'] == ['3.10', '3.12']
    assert [s['run'].strip() for s in job['steps'] if 'run' in s][-1] == 'bash .ci/run'
