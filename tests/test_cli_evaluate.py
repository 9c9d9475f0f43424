"`pianogen evaluate GEN --against REAL`: discriminability printed beside rOA, and in --json"
import json, os, subprocess, sys
import numpy as np
from pianogen.data import make_midi

def _pieces(folder, seeds, velocity=None):
    "Small 4/4 pieces, one MIDI file per seed: a scale figure over a bass, loudness varying unless `velocity` is given"
    folder.mkdir()
    for s in seeds:
        rng = np.random.default_rng(s)
        loud = lambda: velocity or int(rng.integers(40, 110))
        notes = [(b, 1, 48 + (s + b) % 12, loud()) for b in range(32)]
        notes += [(b + k / 2, 0.5, 60 + (s + 2 * b + k) % 12, loud()) for b in range(32) for k in range(2)]
        midi = make_midi(notes)
        midi.save(folder / f'p{s}.mid')

def _run(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3')
    return subprocess.run([sys.executable, '-c', 'import sys; from pianogen.cli import main; sys.exit(main())', 'evaluate', *map(str, args)], capture_output=True, text=True, env=env, timeout=300)

def test_evaluate_prints_discriminability_beside_roa(tmp_path):
    _pieces(tmp_path / 'gen', range(8), velocity=80); _pieces(tmp_path / 'real', range(100, 108))
    out = _run(tmp_path / 'gen', '--against', tmp_path / 'real', '--beats', 32)
    assert out.returncode == 0, out.stderr
    head = out.stdout.splitlines()
    assert head[0] == '| set | AUC (features) | rOA |'
    row = next(line for line in head if line.startswith('| generated |'))
    assert float(row.split('|')[2].split()[0]) > 0.9      # every velocity 80 gives them away
    record = json.loads(_run(tmp_path / 'gen', '--against', tmp_path / 'real', '--beats', 32, '--json').stdout)
    found = record['discriminability']['generated']['features']
    assert found['auc'] > 0.9 and found['separating'][0]['group'] == 'dynamics'
    assert {p['side'] for p in found['pieces']} == {'generated', 'real'} and 'score' in found['pieces'][0]
    assert 'generated' in record['roa']
