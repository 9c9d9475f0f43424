"""Bad input to `pianogen.data`: every unusable file raises `MidiError` naming the file and the reason,
a batch keeps going past it, and no mutation of a valid file lets any other exception escape."""
import re, signal, struct
from contextlib import contextmanager

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pianogen.data import (MAX_FILE_BYTES, MAX_BEATS, PITCH_LO, PITCH_HI, MAX_DELTA, MidiError, make_midi, midi_bytes,
                           clean_midi, clean_file, clean_files, notes_to_messages, messages_to_notes, count_unreleased)

# ---------------------------------------------------------------------------------------------
# small valid files, made in code

def synthetic_mid():
    "A small type-1 file exercising most of cleaning: pedal, a re-struck key, out-of-range pitches, tempo and meta events"
    mid = make_midi([(0, 1, 60), (0, 2, 64, 100), (0.5, 2, 60), (1, 1, 67), (2, 0, 72), (3, 1, 15), (3, 1, 115),
                     (4, 0.5, 48), (12, 1, 50)], tempo=600_000, pedal=[(1, 2.5)])
    meta = mid.tracks[0]
    meta.insert(0, mido.MetaMessage('track_name', name='fuzz seed'))
    meta.insert(1, mido.MetaMessage('time_signature', numerator=3, denominator=4))
    meta.insert(2, mido.MetaMessage('key_signature', key='D'))
    meta.append(mido.MetaMessage('set_tempo', tempo=450_000, time=960))
    return mid

SYNTH = midi_bytes(synthetic_mid())
GOOD = [midi_bytes(make_midi([(i, 1, 60 + i), (i + 0.5, 1, 48)])) for i in range(3)]

def chunk_offsets(data, tag):
    return [m.start() for m in re.finditer(re.escape(tag), data)]

def patch(data, at, new):
    return data[:at] + new + data[at + len(new):]

def vlq(n):
    "MIDI variable-length quantity"
    out = [n & 0x7F]
    while n > 0x7F: n >>= 7; out.append(0x80 | (n & 0x7F))
    return bytes(reversed(out))

def raw_midi(tracks, fmt=1, tpq=480, ntracks=None):
    "MIDI bytes from raw track bodies (end-of-track appended)"
    head = b'MThd' + struct.pack('>IhhH', 6, fmt, len(tracks) if ntracks is None else ntracks, tpq)
    return head + b''.join(b'MTrk' + struct.pack('>I', len(t) + 4) + t + b'\x00\xff\x2f\x00' for t in tracks)

NOTE = b'\x00\x90\x3c\x50' + b'\x83\x60\x80\x3c\x00'   # note 60 on at 0, off 480 ticks later

# ---------------------------------------------------------------------------------------------
# hand-made bad input: (id, bytes, regex the reason must match)

def _bad_track_len_long():
    at = chunk_offsets(SYNTH, b'MTrk')[-1] + 4
    return patch(SYNTH, at, struct.pack('>I', struct.unpack('>I', SYNTH[at:at + 4])[0] + 100))

def _bad_track_len_short():
    at = chunk_offsets(SYNTH, b'MTrk')[0] + 4
    return patch(SYNTH, at, struct.pack('>I', struct.unpack('>I', SYNTH[at:at + 4])[0] - 3))

def _time_signature_denominator(log2):
    at = SYNTH.index(b'\xff\x58\x04') + 4          # the byte after numerator is log2(denominator)
    return patch(SYNTH, at, bytes([log2]))

CORRUPT = r'corrupt|truncat'
BAD_BYTES = [
    ('empty', b'', r'empty'),
    ('wav', b'RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x44\xac\x00\x00' + bytes(64), r'not a MIDI file'),
    ('text', b'Sonata No. 14 "Moonlight", first movement\n' * 20, r'not a MIDI file'),
    ('mthd-only', b'MThd', CORRUPT),
    *[(f'truncated-{n}', SYNTH[:n], CORRUPT) for n in (6, 13, 14, 18, 22, 30, len(SYNTH) // 2, len(SYNTH) - 1)],
    ('header-length-0', patch(SYNTH, 4, struct.pack('>I', 0)), CORRUPT),
    ('header-length-12', patch(SYNTH, 4, struct.pack('>I', 12)), CORRUPT),
    ('track-length-too-long', _bad_track_len_long(), CORRUPT),
    ('track-length-too-short', _bad_track_len_short(), CORRUPT),
    ('zero-tracks', patch(SYNTH, 10, struct.pack('>h', 0)), r'no tracks'),
    ('no-notes', midi_bytes(make_midi([], pedal=[(0, 1)])), r'no notes'),
    ('only-meta', raw_midi([b'\x00\xff\x51\x03\x07\xa1\x20', b'\x00\xff\x03\x04abcd']), r'no notes'),
    ('zero-division', patch(SYNTH, 12, b'\x00\x00'), r'time division is zero'),
    ('smpte', patch(SYNTH, 12, b'\xe7\x28'), r'SMPTE'),
    ('type-2', patch(SYNTH, 8, b'\x00\x02'), r'type-2'),
    ('absurd-delta', raw_midi([NOTE + vlq(0x0FFFFFFF) + b'\x90\x3e\x50\x00\x80\x3e\x00'], tpq=24), r'absurd length'),
    ('absurd-deltas-480', raw_midi([NOTE + (vlq(0x0FFFFFFF) + b'\xff\x01\x00') * 2], tpq=480), r'absurd length'),
    ('huge', SYNTH + bytes(MAX_FILE_BYTES), r'too large'),
    ('time-signature-2**64', _time_signature_denominator(64), r'time.?signature|denominator|corrupt'),
]

def test_absurd_delta_is_over_max_beats():
    assert 0x0FFFFFFF / 24 > MAX_BEATS and 2 * 0x0FFFFFFF / 480 > MAX_BEATS

@pytest.mark.parametrize('case,data,reason', BAD_BYTES, ids=[c for c, *_ in BAD_BYTES])
def test_bad_bytes(case, data, reason):
    with pytest.raises(MidiError) as err: clean_midi(data, name=f'{case}.mid')
    assert err.value.source == f'{case}.mid' and f"'{case}.mid'" in str(err.value), str(err.value)
    assert re.search(reason, err.value.reason, re.I), f'{case}: unexpected reason {err.value.reason!r}'

@pytest.fixture
def good_paths(tmp_path):
    paths = []
    for i, b in enumerate(GOOD):
        p = tmp_path / f'good{i}.mid'; p.write_bytes(b); paths.append(p)
    return paths

def check_batch(paths, bad, reason, workers):
    "`clean_files` on good files with `bad` in the middle: the good pieces come back and `bad` is listed with its reason"
    batch = [paths[0], bad, *paths[1:]]
    pieces, failures = clean_files(batch, workers=workers, progress=False)
    assert [p.piece_id for p in pieces] == [p.stem for p in paths]
    assert len(failures) == 1 and failures[0][0] == str(bad), failures
    assert re.search(reason, failures[0][1], re.I), failures

@pytest.mark.parametrize('workers', [1, 2])
@pytest.mark.parametrize('case,data,reason', BAD_BYTES, ids=[c for c, *_ in BAD_BYTES])
def test_bad_file_in_batch(case, data, reason, workers, tmp_path, good_paths):
    bad = tmp_path / f'{case}.mid'; bad.write_bytes(data)
    check_batch(good_paths, bad, reason, workers)
    with pytest.raises(MidiError) as err: clean_file(bad, cache=False)
    assert err.value.source == str(bad) and str(bad) in str(err.value)
    assert re.search(reason, err.value.reason, re.I), f'{case}: unexpected reason {err.value.reason!r}'

def test_huge_file_path(tmp_path, good_paths):
    "Too large on disk: refused from the size, by `clean_file` and by `clean_midi` given the path"
    bad = tmp_path / 'huge.mid'
    with open(bad, 'wb') as f: f.write(SYNTH); f.truncate(MAX_FILE_BYTES + 1)
    for call in (lambda: clean_file(bad), lambda: clean_midi(bad), lambda: clean_midi(str(bad))):
        with pytest.raises(MidiError, match=r'too large') as err: call()
        assert err.value.source == str(bad)
    check_batch(good_paths, bad, r'too large', workers=2)

@pytest.mark.parametrize('kind', ['missing', 'directory'])
def test_unreadable_path(kind, tmp_path, good_paths):
    bad = tmp_path / f'{kind}.mid'
    if kind == 'directory': bad.mkdir()
    for call in (lambda: clean_file(bad), lambda: clean_midi(bad)):
        with pytest.raises(MidiError, match=r'cannot read file') as err: call()
        assert err.value.source == str(bad) and str(bad) in str(err.value)
    for workers in (1, 2): check_batch(good_paths, bad, r'cannot read file', workers)

@pytest.fixture(scope='module')
def real_bytes(real_midi_dir):
    "The three smallest real files plus one of middling size"
    files = sorted(real_midi_dir.glob('*.mid'), key=lambda p: p.stat().st_size)
    return [p.read_bytes() for p in files[:3] + files[len(files) // 2:len(files) // 2 + 1]]

def test_truncated_real_file(real_bytes, tmp_path, good_paths):
    data = real_bytes[-1]
    for n in (4, 14, 22, 100, 1000, len(data) // 3, len(data) // 2, len(data) - 4, len(data) - 1):
        with pytest.raises(MidiError) as err: clean_midi(data[:n], name=f'real-cut-{n}.mid')
        assert err.value.source == f'real-cut-{n}.mid' and re.search(CORRUPT, err.value.reason), (n, str(err.value))
    bad = tmp_path / 'cut.mid'; bad.write_bytes(data[:len(data) // 2])
    check_batch(good_paths, bad, CORRUPT, workers=2)

# ---------------------------------------------------------------------------------------------
# property test: random mutations of valid files

INTERESTING = [0x00, 0x01, 0x3C, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xB0, 0xF0, 0xF7, 0xFF]
HEAD = {'format': 8, 'ntrks': 10, 'division': 12}
_pos = st.integers(0, 2**31)
MUTATION = st.one_of(
    st.tuples(st.just('flip'), _pos, st.integers(0, 7)),
    st.tuples(st.just('set'), _pos, st.sampled_from(INTERESTING) | st.integers(0, 255)),
    st.tuples(st.just('delete'), _pos, st.integers(1, 64)),
    st.tuples(st.just('insert'), _pos, st.binary(min_size=1, max_size=16)),
    st.tuples(st.just('truncate'), _pos),
    st.tuples(st.just('duplicate_chunk'), _pos),
    st.tuples(st.just('chunk_length'), _pos, st.sampled_from([0, 1, 5, 6, 7, 0x7FFFFFFF, 0xFFFFFFFF]) | st.integers(0, 2**32 - 1)),
    st.tuples(st.just('header'), st.sampled_from(sorted(HEAD)), st.sampled_from([0, 1, 2, 3, 0x7FFF, 0x8000, 0xE728, 0xFFFF]) | st.integers(0, 0xFFFF)),
    st.tuples(st.just('huge_delta'), _pos, st.sampled_from([0x0FFFFFFF, 0x0FFFFF, 0x3FFF, 721, 1]))
)

def mutate(data, op):
    "Apply one mutation; positions wrap around the current length"
    kind, *a = op
    n = len(data)
    if kind == 'header': return patch(data, HEAD[a[0]], struct.pack('>H', a[1])) if n >= 14 else data
    if kind == 'truncate': return data[:a[0] % (n + 1)]
    if kind == 'insert': i = a[0] % (n + 1); return data[:i] + a[1] + data[i:]
    if kind == 'huge_delta':   # an event with a long delta just before a random byte
        i = a[0] % (n + 1); return data[:i] + vlq(a[1]) + b'\xff\x01\x00' + data[i:]
    if not n: return data
    i = a[0] % n
    if kind == 'flip': return patch(data, i, bytes([data[i] ^ (1 << a[1])]))
    if kind == 'set': return patch(data, i, bytes([a[1]]))
    if kind == 'delete': return data[:i] + data[i + a[1]:]
    chunks = sorted(chunk_offsets(data, b'MTrk') + chunk_offsets(data, b'MThd'))
    if not chunks: return data
    c = chunks[a[0] % len(chunks)]
    if kind == 'chunk_length': return patch(data, c + 4, struct.pack('>I', a[1])[:max(0, n - c - 4)])
    if kind == 'duplicate_chunk':
        end = next((x for x in chunks if x > c), n)
        return data[:end] + data[c:end] + data[end:]
    raise AssertionError(kind)

class Hang(Exception): pass

@contextmanager
def time_limit(seconds):
    "Fail (rather than hang) when cleaning one input takes longer than `seconds`"
    def _raise(*_): raise Hang(f'cleaning took more than {seconds} s')
    old = signal.signal(signal.SIGALRM, _raise); signal.setitimer(signal.ITIMER_REAL, seconds)
    try: yield
    finally: signal.setitimer(signal.ITIMER_REAL, 0); signal.signal(signal.SIGALRM, old)

def check_clean_or_midi_error(data):
    "Cleaning either raises MidiError naming the file, or returns a well-formed piece"
    try:
        with time_limit(10): piece = clean_midi(data, name='fuzz.mid')
    except MidiError as e:
        assert e.source == 'fuzz.mid' and str(e).startswith("'fuzz.mid': ") and e.reason, str(e)
        return
    notes, rep = piece.notes, piece.report
    assert rep.unreleased == 0 and len(notes) == rep.notes_out > 0
    assert rep.notes_in == rep.notes_out + sum(rep.dropped.values())
    assert ((notes['pitch'] >= PITCH_LO) & (notes['pitch'] <= PITCH_HI)).all()
    assert (notes['end'] > notes['start']).all() and (notes['start'] >= 0).all()
    assert ((notes['velocity'] >= 1) & (notes['velocity'] <= 127)).all()
    msgs = notes_to_messages(notes)
    assert count_unreleased(msgs) == 0 and msgs[:, 2].max() <= MAX_DELTA
    assert np.array_equal(messages_to_notes(msgs), notes)

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

def test_synthetic_seed_is_valid():
    piece = clean_midi(SYNTH); check_clean_or_midi_error(SYNTH)
    assert piece.report.changed['octave_shift'] == 2 and piece.report.changed['restruck'] >= 1 and piece.report.changed['pedal']

def test_real_seeds_are_valid(real_bytes):
    for data in real_bytes: clean_midi(data); check_clean_or_midi_error(data)

@FUZZ
@given(ops=st.lists(MUTATION, min_size=1, max_size=6))
def test_fuzz_synthetic(ops):
    data = SYNTH
    for op in ops: data = mutate(data, op)
    check_clean_or_midi_error(data)

@FUZZ
@given(seed=st.integers(0, 3), ops=st.lists(MUTATION, min_size=1, max_size=6))
def test_fuzz_real(real_bytes, seed, ops):
    data = real_bytes[seed % len(real_bytes)]
    for op in ops: data = mutate(data, op)
    check_clean_or_midi_error(data)
