"""Pipeline throughput: how many target messages per second `make_dataset` feeds a model.

Both sides in one process, on the 203 real pieces (../shared/data/piano-midi-de, or --data):
- ours: `pianogen.tokens.make_dataset` (vectorized batch gather + augmentation + encoding in tf.data)
- the original approach: a Python loop that slices each window, one-hot encodes it and stacks a batch

Goal: >= 50,000 messages/s on 2 cores. Run: python benchmarks/bench_tokens.py"""
import argparse, os, sys, time, tempfile
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', help='folder of MIDI files (default: ../shared/data/piano-midi-de)')
    ap.add_argument('--batches', type=int, default=1000)
    args = ap.parse_args()
    os.environ.setdefault('PIANOGEN_CACHE', tempfile.mkdtemp())
    from pianogen.data import clean_files, notes_to_messages, shared_data_dir, PITCH, ON, DELTA
    from pianogen.tokens import Tokenizer, Augment, make_dataset
    folder = Path(args.data) if args.data else shared_data_dir()
    if folder is None or not folder.is_dir(): sys.exit('no MIDI data: pass --data DIR (../shared/data/piano-midi-de is absent)')
    pieces, _ = clean_files(sorted(folder.glob('*.mid')), progress=False)
    msgs = [notes_to_messages(p.notes) for p in pieces]
    import tensorflow as tf
    rows = []
    for name, tok, allpos in [('grid, all positions (151 -> 150)', Tokenizer('grid'), True),
                              ("design's windows (150 -> 1)", Tokenizer('seed'), False)]:
        ds = make_dataset(msgs, tok, all_positions=allpos, batch_size=64, augment=Augment())
        it = iter(ds.repeat()); next(it)
        t0, n = time.perf_counter(), 0
        for _ in range(args.batches): n += int(tf.size(next(it)[1]['pitch']))
        rows.append((name, n / (time.perf_counter() - t0)))

    # the original approach: python loop over windows, one-hot features, batch by stacking
    table = np.concatenate(msgs); rng = np.random.default_rng(0)
    starts = np.concatenate([np.arange(o, o + len(m) - 151) for o, m in zip(np.cumsum([0] + [len(m) for m in msgs[:-1]]), msgs)])
    t0, n = time.perf_counter(), 0
    for _ in range(max(5, args.batches // 10)):
        xs, ys = [], []
        for s in rng.choice(starts, 64):
            w = table[s:s + 151]
            x = np.zeros((150, 90), np.float32)
            for i, (p, on, d, v) in enumerate(w[:150]): x[i, p - 21] = 1; x[i, 88] = on; x[i, 89] = d / 720
            xs.append(x); ys.append(w[150])
        np.stack(xs); np.stack(ys); n += 64
    base = n / (time.perf_counter() - t0)
    print(f"{sum(map(len, msgs)):,} messages in {len(msgs)} pieces")
    print(f"{'pipeline':40s} {'target messages/s':>18s}")
    for name, r in rows: print(f"{name:40s} {r:18,.0f}")
    print(f"{'original python loop (150 -> 1)':40s} {base:18,.0f}")
    print(f"ratio, ours all-position vs original: {rows[0][1] / base:,.0f}x; design windows vs original: {rows[1][1] / base:,.1f}x")
    print(f"goal >= 50,000 messages/s: {'met' if rows[0][1] >= 50_000 else 'MISSED'}")

if __name__ == '__main__': main()
