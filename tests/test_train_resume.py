"""A `pianogen train` killed with SIGKILL resumes from its last completed epoch when started again.

The data are the small synthetic pieces of `pianogen.train.synth_midi` written as MIDI files, one
folder per composer; the model is `--size tiny`, so the whole test takes well under 90 s."""
import csv, json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest

PIANOGEN = [sys.executable, '-c', 'import sys; from pianogen.cli import main; sys.exit(main())']
EPOCHS = 4

def write_pieces(folder):
    "`pianogen.train.synth_midi`'s pieces as MIDI files under folder/COMPOSER/, as a user's folder would hold them"
    from pianogen.train import synth_midi
    for piece_id, midi in synth_midi().items():
        (folder / piece_id.rsplit('_', 1)[0]).mkdir(parents=True, exist_ok=True)
        midi.save(folder / piece_id.rsplit('_', 1)[0] / f'{piece_id}.mid')

def epochs_in(log):
    with open(log, newline='') as f: return [int(r['epoch']) for r in csv.DictReader(f)]

@pytest.fixture
def run_env(tmp_path):
    write_pieces(tmp_path / 'midi')
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', PYTHONUNBUFFERED='1')
    cmd = PIANOGEN + ['train', '--data', str(tmp_path / 'midi'), '--model', 'lstm', '--out', str(tmp_path / 'run'),
                      '--epochs', str(EPOCHS), '--batch-size', '8', '--seq-len', '32', '--steps-per-epoch', '40',
                      '--size', 'tiny', '--seed', '0']
    return tmp_path, cmd, env

def test_killed_training_resumes(run_env):
    tmp, cmd, env = run_env
    run = tmp / 'run'
    meta = run / 'backup' / 'training_metadata.json'
    with open(tmp / 'first.out', 'w') as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.time() + 60
            while not meta.exists():          # the first epoch's backup
                assert p.poll() is None, f"training ended before the first backup:\n{(tmp / 'first.out').read_text()}"
                assert time.time() < deadline, 'no backup after 60 s'
                time.sleep(0.05)
            os.kill(p.pid, signal.SIGKILL)
        finally:
            p.kill(); p.wait()
    assert p.returncode == -signal.SIGKILL
    assert not (run / 'summary.json').exists()                # killed mid-run, not after finishing
    done = json.loads(meta.read_text())['epoch']
    assert 1 <= done < EPOCHS
    before = (run / 'log.csv').read_text().splitlines()
    assert epochs_in(run / 'log.csv')[:done] == list(range(done))

    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f'resuming after epoch {done}' in second.stdout
    lines = [l for l in second.stdout.splitlines() if l.startswith('epoch')]
    assert [int(l.split()[1].split('/')[0]) for l in lines] == list(range(done + 1, EPOCHS + 1))   # the numbers continue
    assert epochs_in(run / 'log.csv') == list(range(EPOCHS))                                         # each epoch once
    assert (run / 'log.csv').read_text().splitlines()[:done + 1] == before[:done + 1]                # kept, not redone
    summary = json.loads((run / 'summary.json').read_text())
    assert summary['epochs_run'] == EPOCHS and np.isfinite(summary['best_val_loss'])
    assert (run / 'best.keras').exists() and not (run / 'backup').exists()

def test_unknown_source_is_refused(tmp_path):
    r = subprocess.run(PIANOGEN + ['train', '--data', str(tmp_path / 'nowhere')], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "unknown data source" in r.stderr and "'music21'" in r.stderr
