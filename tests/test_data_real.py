"""`pianogen.data` on the 203 real piano-midi.de files in ../shared/data, the 216 ASAP score files and every
20th ASAP performance (each collection skipped when absent).

For every file: cleaning loses no note without a reason and releases every note; messages round-trip
exactly; MIDI -> messages -> MIDI keeps every note; the cleaned notes agree with an independent
parse of the original file (mido + naive FIFO pairing per track, written here, not pianogen's code); and the
tempo map is kept.

The expensive work per file (cleaning three ways, writing and re-reading the round-trip MIDI,
the independent parse) runs once per session in a process pool over the files the run selected,
so the module costs ~37 s of CPU for piano-midi.de (about as much again for ASAP) (~20-27 s wall on 2 idle cores; more on a busy machine), 10 s of which is
`notes_to_midi`; the tests then only compare arrays."""
import traceback
from collections import Counter, defaultdict, deque

import mido
import numpy as np
import pytest

from pianogen.data import (TPQ, PITCH_LO, PITCH_HI, MAX_DELTA, PITCH, ON, DELTA, shared_data_dir,
                           clean_file, clean_midi, notes_to_messages, messages_to_notes, count_unreleased,
                           notes_to_midi, midi_bytes, parallel_map)

_DIR = shared_data_dir()
FILES = sorted(_DIR.glob('*.mid')) if _DIR else []
N_FILES = 203   # ../shared/data/README.md
_ASAP = shared_data_dir('asap')
ASAP_SCORES = sorted(_ASAP.rglob('midi_score.mid')) if _ASAP else []
N_ASAP_SCORES = 216   # ../shared/data/asap/README.md
ASAP_PERFORMANCES = sorted(p for p in _ASAP.rglob('*.mid') if p.name != 'midi_score.mid')[::20] if _ASAP else []
# the report's reasons that can make an original note differ from the cleaned one (sustain and gap clipping off)
EXPLAINED = ('restruck', 'closed_at_end', 'lengthened', 'octave_shift')

# ---------------------------------------------------------------------------------------------
# independent reading of the original file: plain mido, no pianogen code

def original_events(path):
    "Notes paired naively (per track, channel and pitch, FIFO; then tracks merged), tempo and time-signature events, from mido"
    mid = mido.MidiFile(path)
    scale = TPQ / mid.ticks_per_beat          # ticks rescaled to 480 per quarter, rounded half to even as numpy does
    evs = []                                  # (tick, track, index, msg): merged, file order within a tick
    for ti, track in enumerate(mid.tracks):
        t = 0
        for i, msg in enumerate(track):
            t += msg.time
            if msg.type in ('note_on', 'note_off', 'set_tempo', 'time_signature'): evs.append((int(np.rint(t * scale)), ti, i, msg))
    evs.sort(key=lambda e: e[:3])
    # Pair within each track: the two hands are separate tracks on one channel, and where both hold the
    # same key each hand's note-off belongs to its own note.
    open_notes, notes, tempos, sigs, note_ons = defaultdict(deque), [], [], [], 0
    for t, ti, _, msg in evs:
        if msg.type == 'set_tempo': tempos.append((t, msg.tempo))
        elif msg.type == 'time_signature': sigs.append((t, msg.numerator, msg.denominator))
        elif msg.type == 'note_on' and msg.velocity > 0:
            note_ons += 1; open_notes[ti, msg.channel, msg.note].append(t)
        elif open_notes[ti, msg.channel, msg.note]:
            notes.append((open_notes[ti, msg.channel, msg.note].popleft(), t, msg.note))
    unclosed = sum(len(q) for q in open_notes.values())
    return dict(notes=np.array(notes, np.int64).reshape(-1, 3), tempos=tempos, sigs=sigs,
                note_ons=note_ons, unclosed=unclosed)

def _work(path):
    "Everything slow for one file, computed in a worker process"
    try:
        piece = clean_file(path)                                              # default: sustain, clip gaps, cached
        raw = clean_file(path, sustain=False, clip_gaps=False, cache=False)   # notes as written in the file
        msgs = notes_to_messages(piece.notes)
        mid = notes_to_midi(messages_to_notes(msgs), piece.tempos, piece.time_signatures)
        again = clean_midi(midi_bytes(mid), name=f'{path.name} (round trip)', sustain=False)
        return dict(piece=piece, raw=raw, again=again, original=original_events(path))
    except Exception: return dict(error=traceback.format_exc())

@pytest.fixture(scope='session')
def results(request):
    "path -> the slow results, for the files this run selected, computed in parallel"
    paths = sorted({it.callspec.params['midi_path'] for it in request.session.items
                    if hasattr(it, 'callspec') and it.callspec.params.get('midi_path') is not None})
    return dict(zip(paths, parallel_map(_work, paths)))   # forked workers inherit the cache env var set by conftest

def _id(f): return f.name if f.parent == _DIR else 'asap/' + f.relative_to(_ASAP).with_suffix('').as_posix()

@pytest.fixture(params=[pytest.param(f, id=_id(f)) for f in FILES + ASAP_SCORES + ASAP_PERFORMANCES] or [pytest.param(None, id='no-data')])
def midi_path(request):
    if request.param is None: pytest.skip('real MIDI data absent: ../shared/data/piano-midi-de and ../shared/data/asap not found beside the repository')
    return request.param

@pytest.fixture
def res(results, midi_path):
    r = results.get(midi_path) or _work(midi_path)
    if 'error' in r: pytest.fail(f'{_id(midi_path)}: processing raised\n{r["error"]}')
    return r

def test_all_files_present(real_midi_dir):
    assert len(FILES) == N_FILES, f'{real_midi_dir}: expected {N_FILES} .mid files, found {len(FILES)}'

def test_all_asap_scores_present():
    if _ASAP is None: pytest.skip('ASAP absent: ../shared/data/asap not found beside the repository')
    assert len(ASAP_SCORES) == N_ASAP_SCORES, f'{_ASAP}: expected {N_ASAP_SCORES} midi_score.mid files, found {len(ASAP_SCORES)}'

# ---------------------------------------------------------------------------------------------
# cleaning

def test_clean_accounts_for_every_note(res, midi_path):
    rep, notes = res['piece'].report, res['piece'].notes
    assert rep.notes_in == rep.notes_out + sum(rep.dropped.values()), f'{_id(midi_path)}: notes lost without a reason: {rep}'
    assert rep.notes_out == len(notes)
    assert rep.unreleased == 0, f'{_id(midi_path)}: {rep.unreleased} notes never released'
    assert rep.notes_in == res['original']['note_ons'], f'{_id(midi_path)}: notes_in differs from the note-ons in the file'
    assert (notes['end'] > notes['start']).all() and (notes['start'] >= 0).all()
    assert ((notes['pitch'] >= PITCH_LO) & (notes['pitch'] <= PITCH_HI)).all()
    assert ((notes['velocity'] >= 1) & (notes['velocity'] <= 127)).all()
    order = np.lexsort((notes['pitch'], notes['start']))
    assert (order == np.arange(len(notes))).all(), f'{_id(midi_path)}: notes not sorted by (start, pitch)'

# ---------------------------------------------------------------------------------------------
# messages round trip

def test_messages_round_trip(res, midi_path):
    notes = res['piece'].notes
    msgs = notes_to_messages(notes)
    assert msgs.shape == (2 * len(notes), 4)
    back = messages_to_notes(msgs)
    assert back.dtype == notes.dtype and len(back) == len(notes), f'{_id(midi_path)}: {len(back)} notes back, {len(notes)} in'
    assert np.array_equal(back, notes), f'{_id(midi_path)}: first differing note {np.flatnonzero(back != notes)[:1]}'
    assert count_unreleased(msgs) == 0
    assert msgs[:, DELTA].min() >= 0 and msgs[:, DELTA].max() <= MAX_DELTA, f'{_id(midi_path)}: delta {msgs[:, DELTA].max()}'
    assert msgs[:, PITCH].min() >= PITCH_LO and msgs[:, PITCH].max() <= PITCH_HI
    assert set(np.unique(msgs[:, ON]).tolist()) <= {0, 1}
    assert (msgs[:, ON] == 1).sum() == (msgs[:, ON] == 0).sum()

# ---------------------------------------------------------------------------------------------
# MIDI -> messages -> MIDI, and the original file read independently

def test_midi_round_trip(res, midi_path):
    piece, again = res['piece'], res['again']
    assert len(again.notes) == len(piece.notes), f'{_id(midi_path)}: {len(again.notes)} notes after the round trip, {len(piece.notes)} before'
    for col in ('start', 'end', 'pitch', 'velocity'):
        diff = np.flatnonzero(again.notes[col] != piece.notes[col])
        assert not len(diff), f'{_id(midi_path)}: {col} differs at {len(diff)} notes, first {piece.notes[diff[0]]} -> {again.notes[diff[0]]}'
    rep = again.report   # a cleaned piece is already clean: nothing more to change
    assert not +rep.dropped and not +rep.changed and rep.clipped_gaps == 0 and rep.orphan_note_offs == 0, f'{_id(midi_path)}: {rep}'

def test_midi_round_trip_keeps_tempo_map(res, midi_path):
    "Writing the cleaned piece and reading it back gives the same tempo map and time signatures, in the same order"
    piece, again = res['piece'], res['again']
    assert again.tempos.tolist() == piece.tempos.tolist(), (f'{_id(midi_path)}: tempo map changed by the round trip at '
        f'{[(a, b) for a, b in zip(piece.tempos.tolist(), again.tempos.tolist()) if a != b][:6]} (written, read back)')
    assert again.time_signatures.tolist() == piece.time_signatures.tolist()

def test_matches_original_file(res, midi_path):
    "Every note of the original (independent FIFO pairing) is in the cleaned table, bar those the report says changed"
    raw, orig = res['raw'], res['original']
    rep = raw.report
    assert not rep.dropped['drums'], f'{_id(midi_path)}: drum notes in a piano file'
    assert orig['note_ons'] == rep.notes_in
    cleaned = {(int(p), int(s)): int(e) for s, e, p in zip(raw.notes['start'], raw.notes['end'], raw.notes['pitch'])}
    mismatches = []
    for s, e, p in orig['notes'].tolist():
        got = cleaned.get((p, s))
        if got is None or abs(got - e) > 1: mismatches.append((p, s, e, got))
    mismatches += [('unclosed', orig['unclosed'])] * orig['unclosed']
    allowed = sum(rep.changed[r] for r in EXPLAINED) + rep.dropped['duplicate'] + rep.dropped['double_strike']
    assert len(mismatches) <= allowed, (f'{_id(midi_path)}: {len(mismatches)} original notes not kept (pitch, start, end, cleaned end), '
                                        f'report explains {allowed} {dict(rep.changed)} {dict(rep.dropped)}: {mismatches[:10]}')
    originals = set(zip(orig['notes'][:, 2].tolist(), orig['notes'][:, 0].tolist()))
    invented = [k for k in cleaned if k not in originals]
    assert len(invented) <= rep.changed['octave_shift'] + orig['unclosed'], f'{_id(midi_path)}: notes not in the file: {invented[:10]}'

# ---------------------------------------------------------------------------------------------
# tempo map

def in_force(events):
    "Tempo events in time order, file order kept at one tick, and only the last at a tick: the one that sounds"
    events = sorted(events, key=lambda e: e[0])
    return [e for i, e in enumerate(events) if i + 1 == len(events) or events[i + 1][0] != e[0]]

def test_tempo_events_kept(res, midi_path):
    "Without gap clipping the tempo map holds the file's set_tempo events that are in force, in file order at a tick"
    file_tempos = in_force(res['original']['tempos'] or [(0, 500_000)])
    got = [tuple(r) for r in res['raw'].tempos.tolist()]
    ties = [t for t, n in Counter(t for t, _ in res['original']['tempos']).items() if n > 1]
    assert got == file_tempos, (f'{_id(midi_path)}: tempo map differs from the file (ties at {ties[:5]}): '
                                f'{sorted(set(got) ^ set(file_tempos))[:10]}')

def test_tempo_map_with_clipped_gaps(res, midi_path):
    "Gap clipping moves tempo events earlier, never reorders them; where two land on one tick the later one stays"
    clipped, raw = res['piece'].tempos, res['raw'].tempos
    assert len(clipped) <= len(raw), f'{_id(midi_path)}: {len(clipped)} tempo events after clipping gaps, {len(raw)} before'
    assert (np.diff(clipped[:, 0]) > 0).all(), f'{_id(midi_path)}: tempo ticks not increasing: {clipped[:, 0].tolist()}'
    assert clipped[-1, 1] == raw[-1, 1] and clipped[0, 0] == raw[0, 0]
    assert set(clipped[:, 1].tolist()) <= set(raw[:, 1].tolist())
