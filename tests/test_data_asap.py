"""ASAP with piano-midi.de (../shared/data, skipped when absent): the pieces the two collections share,
the split across collections, the shipped model's split, and bar and beat positions against ASAP's
own beat annotations. About 20 s on 2 cores with an empty cache."""
import json, warnings
from collections import Counter
from pathlib import Path

import mido
import numpy as np
import pytest

from pianogen.data import TPQ, shared_data_dir, clean_file, clean_files, bar_map, note_positions

ROOT = Path(__file__).resolve().parent.parent
PIANO_MIDI_DE, ASAP = shared_data_dir(), shared_data_dir('asap')
N_SHARED = 42    # ../shared/data/asap/README.md: pieces in both collections
needs_both = pytest.mark.skipif(PIANO_MIDI_DE is None or ASAP is None,
                                reason='real MIDI data absent: ../shared/data/piano-midi-de or ../shared/data/asap not found')
needs_asap = pytest.mark.skipif(ASAP is None, reason='ASAP absent: ../shared/data/asap not found beside the repository')

@pytest.fixture(scope='module')
def both():
    from pianogen.tokens import build_dataset
    return build_dataset([str(PIANO_MIDI_DE), 'asap'], seed=0, progress=False)

def sides(dataset):
    return {p.piece_id: part for part in ('train', 'validation', 'generation') for p in getattr(dataset.split, part)}

@needs_both
def test_shared_pieces_found(both):
    "The 42 pieces of both collections are found by their notes, each ASAP piece with its piano-midi.de file(s)"
    asap_ids = {p.piece_id for p in both.split.train + both.split.validation + both.split.generation if p.collection == 'asap'}
    matched = {b if b in asap_ids else a for a, b, _ in both.shared}
    assert len(matched) == N_SHARED, f'{len(matched)} ASAP pieces matched, expected {N_SHARED}: {sorted(matched)}'
    assert all(({a, b} & asap_ids) and not {a, b} <= asap_ids for a, b, _ in both.shared), 'a match within one collection'
    pairs = {(a, b) for a, b, _ in both.shared}
    for expected in [('waldstein_1', 'Beethoven Piano Sonata 21-1'), ('chpn_op10_e01', 'Chopin Etudes op 10 1'),
                     ('scn16_1', 'Schumann Kreisleriana 1'), ('schub_d760_4', 'Schubert Wanderer fantasie')]:
        assert expected in pairs, f'{expected} not matched'
    assert min(s for *_, s in both.shared) >= 0.4, both.shared

@needs_both
def test_no_piece_on_two_sides(both):
    where = sides(both)
    apart = [(a, b, where[a], where[b]) for a, b, _ in both.shared if where[a] != where[b]]
    assert not apart, f'the same piece on two sides of the split: {apart}'
    assert len(where) == sum(len(getattr(both.split, p)) for p in ('train', 'validation', 'generation')), 'a piece id twice'

@needs_both
def test_split_gives_every_composer_validation_and_generation(both):
    units = Counter()
    shared_asap = {b for _, b, _ in both.shared}
    for p in both.split.train + both.split.validation + both.split.generation:
        if p.piece_id not in shared_asap: units[p.composer] += 1    # an ASAP piece matched is one piece with its twin
    for composer, n in units.items():
        if n >= 3:
            assert composer in both.split.composers('validation'), f'{composer} ({n} pieces) has no validation piece'
            assert composer in both.split.composers('generation'), f'{composer} ({n} pieces) has no generation piece'
    cols = both.collections()
    assert set(cols) == {'piano-midi.de', 'asap'} and all(c['validation'] and c['generation'] for c in cols.values()), cols
    assert 'asap: ' in repr(both) and 'piano-midi.de: ' in repr(both)

@needs_both
def test_shipped_split_unchanged(both):
    "tools/verdict.py and ship_model rely on it: the shipped model's data (piano-midi.de and ASAP), seed 0, gives its generation pieces"
    card = json.loads((ROOT / 'pianogen' / 'assets' / 'model.json').read_text())
    assert [s.rstrip('/').split('/')[-1] for s in card['source'].split(',')] == ['piano-midi-de', 'asap'], card['source']
    data = both
    assert sorted(p.piece_id for p in data.split.generation) == sorted(card['generation_pieces'])
    assert {p.collection for p in data.split.train} == {'piano-midi.de', 'asap'}

@needs_asap
def test_asap_one_version_per_piece():
    from pianogen.sources import asap_scores
    scores = asap_scores()
    names = [n for n, _ in scores.values()]
    assert len(names) == len(set(names)) == 204, len(names)    # 203 pieces of the metadata and the Toccata it does not list
    folders = {Path(f).parent.name for f in scores}
    assert '21-1' in folders and '21-1_no_repeat' not in folders and '6_Theme_and_Variations_repeat' in folders
    assert 'Beethoven Piano Sonata 21-1' in names

# ---------------------------------------------------------------------------------------------
# bars and beats against ASAP's annotations (time in seconds; 'db' a downbeat, 'b' a beat)

def seconds(ticks, tempos):
    "Seconds of ticks at 480 per quarter under a (tick, microseconds per quarter) tempo map"
    tempos = np.asarray(tempos, np.float64)
    at = np.concatenate([[0], np.cumsum(np.diff(tempos[:, 0]) * tempos[:-1, 1] / 1e6 / TPQ)])
    i = np.searchsorted(tempos[:, 0], ticks, side='right') - 1
    return at[i] + (np.asarray(ticks) - tempos[i, 0]) * tempos[i, 1] / 1e6 / TPQ

def annotations(score):
    rows = [line.split('\t') for line in (score.parent / 'midi_score_annotations.txt').read_text().splitlines() if line.strip()]
    return np.array([float(r[0]) for r in rows]), np.array([r[2].startswith('db') for r in rows])

def beat_grid(piece):
    "(tick, is downbeat) of every beat of the piece's bar map"
    end = int(piece.notes['end'].max())
    bars = bar_map(piece.time_signatures, end)
    out = []
    for k, (start, down, beat, number) in enumerate(bars):
        stop = bars[k + 1, 0] if k + 1 < len(bars) else end + 1
        t = down + beat * max(0, -(-(start - down) // beat))
        while t < stop: out.append((t, t == down and number > 0)); t += beat
    return np.array(out, np.int64).reshape(-1, 2)

TOL = 0.003   # seconds: a beat of the bar map is at an annotated beat
EPS = 1e-4    # seconds: a note is on an annotated beat (the annotations are written to the microsecond)

@needs_asap
@pytest.mark.parametrize('rel', ['Chopin/Scherzos/39', 'Schubert/Impromptu_op.90_D.899/4',       # 3/4
                                 'Chopin/Ballades/4', 'Beethoven/Piano_Sonatas/21-2',           # 6/8
                                 'Beethoven/Piano_Sonatas/1-1', 'Chopin/Etudes_op_25/1',        # a quarter pickup (2/2, 4/4)
                                 'Schumann/Kreisleriana/1', 'Brahms/Six_Pieces_op_118/2'])      # 16th pickup in 2/4; 3/4 pickup
def test_note_positions_match_annotations(rel):
    "Each note's bar and beat, from the time-signature map, agree with the downbeats and beats ASAP annotated"
    score = ASAP / rel / 'midi_score.mid'
    piece = clean_file(score, clip_gaps=False)                 # positions are read on the file's own time line
    at, down = annotations(score)
    starts = piece.notes['start'][seconds(piece.notes['start'], piece.tempos) <= at[-1] + EPS]   # some annotations stop early
    bar, beat = note_positions(starts, piece.time_signatures)
    t = seconds(starts, piece.tempos)
    downs = at[down]
    ann_bar = np.searchsorted(downs, t + EPS, side='right')      # downbeats so far: a pickup before the first is bar 0
    assert (bar == ann_bar).all(), f'{rel}: bar differs at {np.flatnonzero(bar != ann_bar).size} notes, first at {t[bar != ann_bar][0]:.3f} s'
    inside = t >= downs[0] - EPS
    ann_beat = np.searchsorted(at, t + EPS, side='right') - 1 - np.searchsorted(at, downs[np.maximum(ann_bar - 1, 0)] - EPS, side='left')
    got = np.floor(beat + 0.01).astype(int)     # a tuplet's note rounded a tick early is on its beat, as ASAP annotates it
    bad = inside & (got != ann_beat)
    assert not bad.any(), f'{rel}: beat differs at {bad.sum()} notes, first at {t[bad][0]:.3f} s: {got[bad][:5]} vs {ann_beat[bad][:5]}'
    assert (beat[~inside] > 0).all()     # a pickup's notes come after its bar's (missing) downbeat

@needs_asap
def test_beat_grid_matches_annotations_everywhere():
    "Over all 216 score files, at least 99 % of the annotated beats are beats of the bar map, downbeats where annotated"
    scores = sorted(ASAP.rglob('midi_score.mid'))
    pieces, failures = clean_files(scores, workers=2, progress=False, clip_gaps=False)
    assert not failures
    total = agree = 0; worst = []
    for score, piece in zip(scores, pieces):
        at, down = annotations(score)
        grid = beat_grid(piece)
        gt = seconds(grid[:, 0], piece.tempos)
        j = np.clip(np.searchsorted(gt, at), 1, len(gt) - 1)
        j = np.where(np.abs(gt[j - 1] - at) < np.abs(gt[j] - at), j - 1, j)
        ok = (np.abs(gt[j] - at) < TOL) & (grid[j, 1].astype(bool) == down)
        total += len(at); agree += int(ok.sum()); worst.append((int((~ok).sum()), score.parent.relative_to(ASAP).as_posix()))
    assert agree / total >= 0.99, f'{agree} of {total} annotated beats agree; worst files {sorted(worst)[-5:]}'

# ---------------------------------------------------------------------------------------------
# performances on the score's beat

@needs_asap
@pytest.mark.parametrize('rel, performer', [('Beethoven/Piano_Sonatas/21-1', 'HAGINO02'), ('Chopin/Etudes_op_25/1', None)])
def test_performance_on_the_beat(rel, performer):
    "A performance placed on its score's beat: its notes sit where the score's are, with the pianist's velocities"
    from pianogen.sources import on_the_beat, _read_beats
    folder = ASAP / rel
    perf = folder / f'{performer}.mid' if performer else sorted(p for p in folder.glob('*.mid') if p.name != 'midi_score.mid')[0]
    score = clean_file(folder / 'midi_score.mid', clip_gaps=False)
    placed = on_the_beat(clean_file(perf, clip_gaps=False), _read_beats(folder / f'{perf.stem}_annotations.txt'),
                         score, _read_beats(folder / 'midi_score_annotations.txt'), name=str(perf), clip_gaps=False)
    assert placed.report.unreleased == 0 and abs(len(placed) - len(score)) < 0.05 * len(score), (len(placed), len(score))
    near = []                                 # for each placed note, the nearest score note of its key, in beats
    for pitch in np.unique(placed.notes['pitch']):
        s = np.sort(score.notes['start'][score.notes['pitch'] == pitch])
        if not len(s): continue
        p = placed.notes['start'][placed.notes['pitch'] == pitch]
        j = np.clip(np.searchsorted(s, p), 1, max(1, len(s) - 1))
        near.append(np.minimum(np.abs(p - s[j - 1]), np.abs(p - s[np.minimum(j, len(s) - 1)])) / TPQ)
    near = np.concatenate(near)
    assert np.mean(near < 0.25) > 0.9, f'{perf.name}: only {np.mean(near < 0.25):.2f} of the notes within a 16th of the score\'s'
    assert placed.notes['velocity'].std() > 5, 'the performance\'s velocities are lost'
    bar, beat = note_positions(placed.notes['start'], score.time_signatures)
    assert bar.max() >= note_positions(score.notes['start'], score.time_signatures)[0].max() - 1
