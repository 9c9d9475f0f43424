"""Evaluation speed: every metric of one 1000-message piece, and music21 parsing the same piece.

- ours: `pianogen.evaluate.piece_metrics` on a note table (numpy; music21 only for the key
  profiles and chord consonance, behind caches). Timed three ways: the first call in a fresh
  process (music21 imported on the way), the first call with music21 imported but its caches
  cold, and warm calls (median).
- music21: `music21.converter.parse` of the same piece written as a MIDI file, which is only
  the first step of any music21-based evaluation.

The piece is the first 1000 messages (500 notes) of a real piece (../shared/data/piano-midi-de, or
--file), or a synthetic one when no data is present. Goal: <= 1 s per piece on 2 cores, cold.

Discriminability: the feature classifier (`pianogen.evaluate.discriminability`, 5 folds grouped by piece, and the
bootstrap interval) on 20 generated pieces (the verdict's, nbs/verdict/lstm) against 40 real ones (the first 40 of
../shared/data/piano-midi-de), cropped to 100 beats as in the verdict; without the data, made-up pieces stand in.
Goal: under a minute on 2 cores.
Run: python benchmarks/bench_evaluate.py [--skip-discriminability]"""
import argparse, os, sys, time, tempfile, statistics, warnings
from pathlib import Path
import numpy as np

def synthetic_notes():
    "500 notes: a I-IV-V-I progression in eighth-note broken chords over a held bass, 4/4"
    from pianogen.evaluate import note_table
    chords = [(48, [60, 64, 67, 72]), (53, [60, 65, 69, 72]), (55, [59, 62, 67, 71]), (48, [60, 64, 67, 72])]
    rows, beat = [], 0
    while len(rows) < 500:
        bass, upper = chords[(beat // 4) % 4]
        rows.append((beat, 4, bass - 12 * ((beat // 16) % 2)))
        rows += [(beat + i / 2, 0.5, upper[(i + beat // 4) % 4]) for i in range(8)]
        beat += 4
    return note_table(rows[:500])

def made_up(count, seed):
    "`synthetic_notes` transposed at random, with random velocities: stand-ins for pieces when no data is present"
    rng, out = np.random.default_rng(seed), []
    for _ in range(count):
        notes = synthetic_notes(); notes['pitch'] += int(rng.integers(-5, 6)); notes['velocity'] = rng.integers(40, 100, len(notes))
        out.append(notes)
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--file', help='a MIDI file (default: the first piece of ../shared/data/piano-midi-de)')
    ap.add_argument('--messages', type=int, default=1000)
    ap.add_argument('--repeat', type=int, default=20, help='warm calls to time')
    ap.add_argument('--skip-discriminability', action='store_true', help='only the metrics')
    ap.add_argument('--beats', type=int, default=100, help='discriminability: crop every piece to this many beats')
    args = ap.parse_args()
    os.environ.setdefault('PIANOGEN_CACHE', tempfile.mkdtemp())
    t0 = time.perf_counter()
    from pianogen.data import clean_file, notes_to_messages, messages_to_notes, notes_to_midi, shared_data_dir
    from pianogen.evaluate import piece_metrics, chord_is_consonant, key_profiles
    import_ours = time.perf_counter() - t0

    folder = shared_data_dir()
    path = Path(args.file) if args.file else (sorted(folder.glob('*.mid'))[0] if folder else None)
    if path is not None:
        piece = clean_file(path, cache=False)
        notes, source = messages_to_notes(notes_to_messages(piece.notes)[:args.messages]), f"{path.name}, first {args.messages} messages"
    else: notes, source = synthetic_notes(), "synthetic (no MIDI data found)"
    print(f"piece: {source}: {len(notes)} notes, {notes['end'].max() / 480:.0f} beats")

    t0 = time.perf_counter(); metrics = piece_metrics(notes); first = time.perf_counter() - t0
    chord_is_consonant.cache_clear(); key_profiles.cache_clear()
    t0 = time.perf_counter(); piece_metrics(notes); cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.repeat):
        t0 = time.perf_counter(); piece_metrics(notes); warm.append(time.perf_counter() - t0)
    warm = statistics.median(warm)
    chords = chord_is_consonant.cache_info().currsize

    from music21 import converter
    warnings.filterwarnings('ignore', module='music21')    # music21 complains about the files' copyright track names
    def best_of(f, n=3):
        times = []
        for _ in range(n): t0 = time.perf_counter(); out = f(); times.append(time.perf_counter() - t0)
        return min(times), out
    with tempfile.TemporaryDirectory() as d:
        midi = Path(d) / 'piece.mid'; notes_to_midi(notes).save(midi)
        parse, score = best_of(lambda: converter.parse(midi, forceSource=True))
        n21 = len(score.recurse().notes)
    if path is not None:     # the whole file: reading it into notes, and every metric on all of it
        whole_parse, _ = best_of(lambda: converter.parse(path, forceSource=True), 1)
        whole_clean, whole = best_of(lambda: clean_file(path, cache=False))
        whole_metrics, _ = best_of(lambda: piece_metrics(whole, beats=None))

    print(f"import pianogen.evaluate: {import_ours:.2f} s (music21 is imported on first use, not here)")
    print(f"{'all metrics, first call in this process (imports music21)':62s} {first:7.3f} s")
    print(f"{'all metrics, music21 imported, caches cold':62s} {cold:7.3f} s   ({chords} chord classes looked up)")
    print(f"{'all metrics, warm (median of %d)' % args.repeat:62s} {warm:7.4f} s")
    print(f"{'music21.converter.parse of the same piece (%d notes/chords)' % n21:62s} {parse:7.3f} s")
    print(f"ratio music21 parse / our metrics: {parse / warm:,.0f}x warm, {parse / cold:,.1f}x cold caches")
    if path is not None:
        print(f"whole file ({len(whole)} notes): music21.converter.parse {whole_parse:.2f} s; "
              f"clean_file (mido + numpy) {whole_clean:.3f} s + all metrics on all of it {whole_metrics:.3f} s; "
              f"ratio {whole_parse / (whole_clean + whole_metrics):,.0f}x")
    print(f"goal <= 1 s per piece: {'met' if max(first, cold) <= 1 else 'MISSED'} (first call {first:.2f} s, cold caches {cold:.2f} s)")
    print("metrics:", ", ".join(f"{k}={v:.3f}" for k, v in metrics.items()))
    if not args.skip_discriminability: bench_discriminability(folder, args.beats)

def bench_discriminability(folder, beats):
    "The feature classifier, 20 generated pieces against 40 real ones"
    from pianogen.data import clean_files, midi_files
    from pianogen.evaluate import discriminability
    generated_dir = Path(__file__).resolve().parent.parent / 'nbs' / 'verdict' / 'lstm'
    if folder is not None and generated_dir.exists():
        generated = clean_files(midi_files(generated_dir)[:20], workers=1, progress=False)[0]
        real = clean_files(sorted(folder.glob('*.mid'))[:40], progress=False)[0]
        source = f"{len(generated)} pieces of {generated_dir.name} against {len(real)} of {folder.name}"
    else:
        generated, real = made_up(20, 0), made_up(40, 100)
        source = "made-up pieces (no MIDI data found)"
    t0 = time.perf_counter(); found = discriminability(generated, real, beats=beats); secs = time.perf_counter() - t0
    print(f"discriminability, feature classifier, {source}, {beats} beats ({found.windows['generated']} + {found.windows['real']} windows): "
          f"{secs:.1f} s on {os.cpu_count()} cores, AUC {found.auc:.3f}")
    print(f"goal < 60 s for 20 against 40 pieces: {'met' if secs < 60 else 'MISSED'}")

if __name__ == '__main__': main()
