"""A `pianogen train` killed with SIGKILL resumes from its last completed epoch when started again.

The data are small synthetic pieces written as MIDI files (`pianogen.data.make_midi`), one
folder per composer; the model is `--size tiny`, so the whole test takes well under 90 s."""
import csv, json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
from pianogen.data import make_midi

PIANOGEN = [sys.executable, '-c', 'import sys; from pianogen.cli import main; sys.exit(main())']
EPOCHS = 4

def write_pieces(folder, composers=('Bach', 'Chopin'), per_composer=4, beats=40):
    "Broken chords of I-IV-V-I, a key and a rhythm per composer, as MIDI files under folder/COMPOSER/"
    rng = np.random.default_rng(0)
    for c, composer in enumerate(composers):
        (folder / composer).mkdir(parents=True)
        tonic, step = 48 + 7 * c, (0.5, 1 / 3)[c % 2]
        for i in range(per_composer):
            notes = [(k * step, step, tonic + int(rng.choice([0, 4, 7, 12])) + 5 * (int(k * step) // 4 % 2), 80)
                     for k in range(round(beats / step))]
            make_midi(notes).save(folder / composer / f'{composer.lower()}_{i}.mid')

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
