"""Benchmark `pianogen.data` on the shared piano-midi.de files.

    python benchmarks/bench_data.py [--data DIR] [--workers N] [--strict]

Prints, as a table: cleaning every file cold (fresh empty cache, `clean_files` with its default workers;
goal <= 10 s on 2 cores), warm (the same again, from the cache), the original approach's baseline
(parse with mido and pair notes naively, one process) with the ratio, and the time to
`import pianogen.data` in a fresh interpreter (goal < 1 s), which must not import TensorFlow.
Exits 2 when the data folder is absent, 1 when TensorFlow is imported (or, with --strict, a goal is missed)."""
import argparse, os, subprocess, sys, tempfile, time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_COLD_S, GOAL_IMPORT_S = 10.0, 1.0

IMPORT_PROBE = """
import sys, time
t = time.perf_counter()
import pianogen.data
print(time.perf_counter() - t)
print('tensorflow' in sys.modules)
"""

def import_time(runs=3):
    "Seconds to import pianogen.data in a fresh interpreter (best of `runs`), and whether TensorFlow came with it"
    best, tf = float('inf'), False
    for _ in range(runs):
        out = subprocess.run([sys.executable, '-c', IMPORT_PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
        secs, has_tf = out.stdout.split()
        best, tf = min(best, float(secs)), tf or has_tf == 'True'
    return best, tf

def naive_baseline(paths):
    "The original approach: parse each file with mido and pair note-on/note-off per channel and key, in one process"
    import mido
    n_notes = 0
    for path in paths:
        for track in mido.MidiFile(path).tracks:
            t, sounding, notes = 0, defaultdict(list), []
            for msg in track:
                t += msg.time
                if msg.type == 'note_on' and msg.velocity > 0: sounding[msg.channel, msg.note].append(t)
                elif msg.type in ('note_on', 'note_off') and sounding[msg.channel, msg.note]:
                    notes.append((sounding[msg.channel, msg.note].pop(0), t, msg.note))
            n_notes += len(notes)
    return n_notes

CPU = {}   # label -> CPU seconds (this process and its finished children), to read timings on a busy machine

def _cpu():
    t = os.times(); return t.user + t.system + t.children_user + t.children_system

def timed(f, *args, label=None, **kwargs):
    "Wall seconds of `f(*args, **kwargs)` and its result; CPU seconds go to `CPU[label]`"
    c, t = _cpu(), time.perf_counter()
    out = f(*args, **kwargs)
    wall = time.perf_counter() - t
    if label: CPU[label] = _cpu() - c
    return wall, out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', type=Path, help='folder of .mid files, searched recursively (default: ../shared/data/piano-midi-de; ../shared/data/asap works too)')
    ap.add_argument('--workers', type=int, default=None, help='processes for clean_files (default: its own default, all cores)')
    ap.add_argument('--strict', action='store_true', help='exit 1 when a goal is missed')
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    imp_s, has_tf = import_time()     # first, in a fresh interpreter, before this process imports anything heavy

    from pianogen.data import shared_data_dir, clean_files
    data = args.data or shared_data_dir()
    paths = sorted(Path(data).rglob('*.mid')) if data and Path(data).is_dir() else []   # recursive: ASAP's Composer/Group/Piece/ folders
    if not paths:
        print(f'bench_data: no MIDI files: {data or "../shared/data/piano-midi-de"} is absent or empty '
              '(put the shared data beside the repository or pass --data DIR)', file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix='pianogen-bench-cache-') as cache:
        os.environ['PIANOGEN_CACHE'] = cache           # fresh, empty: the first run is cold
        cold_s, (pieces, failures) = timed(clean_files, paths, workers=args.workers, progress=False, label='cold')
        warm_s, (warm_pieces, _) = timed(clean_files, paths, workers=args.workers, progress=False, label='warm')
    base_s, base_notes = timed(naive_baseline, paths, label='baseline')
    tf_here = 'tensorflow' in sys.modules

    n_notes = sum(len(p) for p in pieces)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    ok = lambda good: 'ok' if good else 'MISSED'
    rows = [
        ('clean cold (empty cache)', f'{cold_s:.2f} s', f'<= {GOAL_COLD_S:g} s', ok(cold_s <= GOAL_COLD_S), CPU['cold']),
        ('clean warm (from cache)', f'{warm_s:.2f} s', '< cold', ok(warm_s < cold_s), CPU['warm']),
        ('baseline: mido + naive pairing, 1 process', f'{base_s:.2f} s', '', '', CPU['baseline']),
        ('baseline / cold', f'{base_s / cold_s:.2f}x', '', ''),
        ('baseline / warm', f'{base_s / warm_s:.1f}x', '', ''),
        ('import pianogen.data (fresh interpreter)', f'{imp_s:.3f} s', f'< {GOAL_IMPORT_S:g} s', ok(imp_s < GOAL_IMPORT_S)),
        ('tensorflow imported by pianogen.data', str(has_tf or tf_here), 'False', ok(not (has_tf or tf_here))),
    ]
    load = ' '.join(f'{x:.1f}' for x in os.getloadavg()) if hasattr(os, 'getloadavg') else '?'
    print(f'pianogen.data benchmark: {len(paths)} files in {data}, {cores} cores, workers={args.workers or "default"}, '
          f'load average {load}')
    print(f'  cleaned {len(pieces)} pieces ({n_notes:,} notes), {len(failures)} failures; warm {len(warm_pieces)} pieces; '
          f'baseline paired {base_notes:,} notes')
    for f, reason in failures: print(f'  failed: {f}: {reason}')
    w = max(len(r[0]) for r in rows)
    print(f'\n  {"measure":<{w}}  {"value":>10}  {"goal":<9}  {"":<6}  cpu s (all processes)')
    print(f'  {"-" * w}  {"-" * 10}  {"-" * 9}  ------  ---------------------')
    for name, value, goal, mark, *cpu in rows:
        print(f'  {name:<{w}}  {value:>10}  {goal:<9}  {mark:<6}  {f"{cpu[0]:.2f}" if cpu else ""}'.rstrip())

    if has_tf or tf_here:
        print('bench_data: FAIL: importing pianogen.data imports tensorflow', file=sys.stderr); return 1
    if args.strict and (cold_s > GOAL_COLD_S or imp_s >= GOAL_IMPORT_S):
        print('bench_data: FAIL: a goal was missed', file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
