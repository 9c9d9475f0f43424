"""Licences travel with the data: `ship_model` writes the weights' licence and every training collection's
licence and credit into the model card. Tiny runs on folders made in code (a piano-midi.de-named folder,
an ASAP-shaped copy): no shared data needed. About 30 s (two tiny trainings)."""
import json, warnings

import numpy as np
import pytest

from pianogen.data import make_midi, midi_bytes

def piece_bytes(rng, n=120):
    return midi_bytes(make_midi([(k * 0.5, 0.5, int(p)) for k, p in enumerate(rng.integers(48, 84, n))]))

def piano_midi_de(root):
    "A folder named like the shared copy, with piano-midi.de's file prefixes (3 composers, 3 pieces each)"
    d = root / 'piano-midi-de'; d.mkdir()
    rng = np.random.default_rng(1)
    for prefix in ('chpn_', 'mz_', 'burg_'):
        for i in range(3): (d / f'{prefix}{i}.mid').write_bytes(piece_bytes(rng))
    return d

def asap_copy(root):
    "An ASAP-shaped folder: metadata.csv and Composer/Group/Piece/midi_score.mid"
    d = root / 'asap'; rng = np.random.default_rng(2); rows = []
    for composer in ('Bach', 'Liszt'):
        for i in range(3):
            folder = d / composer / 'Pieces' / str(i); folder.mkdir(parents=True)
            (folder / 'midi_score.mid').write_bytes(piece_bytes(rng))
            rows.append(f'{composer},Pieces_{i},{composer}/Pieces/{i}/midi_score.mid')
    (d / 'metadata.csv').write_text('composer,title,midi_score\n' + '\n'.join(rows) + '\n')
    return d

def ship(data, tmp_path, name):
    from pianogen.train import train, SIZES
    from pianogen.train import ship_model
    run = tmp_path / f'run-{name}'
    train(data, 'seed', run, epochs=1, seq_len=16, steps_per_epoch=1, validation_steps=1, verbose=False,
          composer_conditioning=False, **SIZES['tiny']['seed'])
    return ship_model(run, assets=tmp_path / f'assets-{name}', per_piece=1)

def test_piano_midi_de_alone_is_share_alike(tmp_path):
    from pianogen.train import DATA_CREDIT
    card = ship(str(piano_midi_de(tmp_path)), tmp_path, 'pmd')
    assert card['weights_licence'].startswith('CC BY-SA (Germany)'), card['weights_licence']
    assert [d['collection'] for d in card['training_data']] == ['piano-midi.de']
    assert set(card['training_data'][0]) >= {'collection', 'licence', 'credit'} and 'Krueger' in card['training_data'][0]['credit']
    assert card['credit'] == DATA_CREDIT
    assert json.loads((tmp_path / 'assets-pmd' / 'model.json').read_text())['weights_licence'] == card['weights_licence']

def test_asap_makes_the_weights_non_commercial(tmp_path):
    data = f"{piano_midi_de(tmp_path)},{asap_copy(tmp_path)}"
    card = ship(data, tmp_path, 'both')
    assert card['weights_licence'].startswith('CC BY-NC-SA 4.0: non-commercial'), card['weights_licence']
    assert [d['collection'] for d in card['training_data']] == ['asap', 'piano-midi.de']
    asap = card['training_data'][0]
    assert 'NonCommercial' in asap['licence'] and 'ASAP' in asap['credit'] and asap['pieces'] > 0
    assert 'ASAP' in card['credit'] and 'piano-midi.de' in card['credit']
