"`pianogen` prints only its own lines: TensorFlow's start-up log and warnings stay hidden unless --verbose"
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
MAIN = 'import sys; from pianogen.cli import main; sys.exit(main())'

def run_pianogen(*args, cwd):
    "`pianogen ARGS` in a fresh process, with none of the settings that quieten TensorFlow in the environment"
    env = {k: v for k, v in os.environ.items() if not k.startswith(('TF_', 'PYTHONWARNINGS'))}
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), env.get('PYTHONPATH')]))
    return subprocess.run([sys.executable, '-c', MAIN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)

def test_generate_writes_only_its_own_lines(tmp_path):
    r = run_pianogen('generate', '-o', 'piece.mid', '--seconds', '3', '--seed', '4', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == '', f"stderr holds lines pianogen did not write:\n{r.stderr}"
    lines = r.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith('piece.mid: '), r.stdout
    assert (tmp_path / 'piece.mid').stat().st_size > 0

def test_errors_still_reach_stderr(tmp_path):
    r = run_pianogen('generate', '--composer', 'Gershwin', cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [line for line in r.stderr.splitlines() if line.startswith('pianogen generate: ')] != []

def test_verbose_leaves_tensorflow_on(tmp_path):
    quiet = run_pianogen('generate', '-o', 'a.mid', '--length', '20', '--seed', '4', cwd=tmp_path)
    loud = run_pianogen('--verbose', 'generate', '-o', 'b.mid', '--length', '20', '--seed', '4', cwd=tmp_path)
    assert quiet.returncode == loud.returncode == 0, loud.stderr
    assert quiet.stdout.split(':', 1)[1] == loud.stdout.split(':', 1)[1]   # the same piece either way
    if not loud.stderr: pytest.skip('this TensorFlow build logs nothing at start-up, so --verbose shows nothing more')
    assert len(loud.stderr.splitlines()) > len(quiet.stderr.splitlines())
