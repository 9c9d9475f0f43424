"""A small folder trains (issue 13): 10 pieces by 8 composers (named by file prefix) are split across
composers, with a warning, and a tiny model trains on them; one piece is a clear error. Made in code:
no shared data needed. About 15 s (TensorFlow's start and one tiny epoch)."""
import json, warnings

import numpy as np
import pytest

from pianogen.data import make_midi, midi_bytes

PREFIXES = ['chpn_', 'chpn_', 'mz_', 'mz_', 'burg_', 'ty_', 'rac_', 'mendel_', 'brahms_', 'haydn_']   # 8 composers, by piano-midi.de's prefixes

def write_folder(path, n):
    rng = np.random.default_rng(0)
    for i, prefix in enumerate(PREFIXES[:n]):
        notes = [(k * 0.5, 0.5, int(p)) for k, p in enumerate(rng.integers(48, 84, 120))]
        (path / f'{prefix}piece{i}.mid').write_bytes(midi_bytes(make_midi(notes)))
    return path

def test_small_folder_splits_across_composers(tmp_path):
    from pianogen.tokens import build_dataset
    folder = write_folder(tmp_path, 10)
    with pytest.warns(UserWarning, match='weak model'):
        data = build_dataset(folder, progress=False)
    s = data.split
    assert (len(s.train), len(s.validation), len(s.generation), s.how) == (8, 1, 1, 'across composers'), s
    assert 'split across composers' in repr(data)
    assert len({p.composer for p in s.train + s.validation + s.generation}) == 8

def test_two_pieces_train(tmp_path):
    "Two pieces: one to train on, one to validate on; a tiny model trains and the run records how it split"
    from pianogen.train import train, SIZES
    (tmp_path / 'two').mkdir(); folder = write_folder(tmp_path / 'two', 2)
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='only 2 pieces')
        train(str(folder), 'seed', tmp_path / 'run', epochs=1, seq_len=16, steps_per_epoch=1, validation_steps=1,
              verbose=False, **SIZES['tiny']['seed'])
    config = json.loads((tmp_path / 'run' / 'config.json').read_text())
    assert 'split across composers' in config['data_summary']['repr'], config['data_summary']
    assert (tmp_path / 'run' / 'summary.json').exists()

def test_one_piece_is_a_clear_error(tmp_path):
    from pianogen.tokens import build_dataset
    folder = write_folder(tmp_path, 1)
    with pytest.raises(ValueError, match='needs at least 2'):
        build_dataset(folder, progress=False)
