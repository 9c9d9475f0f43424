"""Training throughput: supervised next-message targets per second, design windows vs all-position training.

Both sides in one process, with the same pipeline code (`pianogen.train.pipelines`), batch size and
LSTM units, each timed over a fixed number of `model.fit` steps after a warm-up:
- `seed`, the founding design: windows of 150 messages -> the 151st, 1 target per window
- `lstm`: windows of 151 messages -> the 150 next messages, 150 targets per window

Data: the 203 real pieces (../shared/data/piano-midi-de, or --data DIR) when present, else synthetic
pieces. Goal: all-position training learns from >= 50x more targets per second.
Run: python benchmarks/bench_train.py"""
import argparse, os, sys, time, tempfile
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', help='folder of MIDI files (default: ../shared/data/piano-midi-de, else synthetic pieces)')
    ap.add_argument('--steps', type=int, default=20, help='timed training steps of each model')
    ap.add_argument('--warmup', type=int, default=3, help='untimed steps first (tracing, caches)')
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--seq-len', type=int, default=150)
    ap.add_argument('--lstm-units', type=int, default=256, help='LSTM units of both models')
    ap.add_argument('--mixed-precision', action='store_true', help="Keras' mixed_float16, as `pianogen train --mixed-precision` (for GPUs)")
    args = ap.parse_args()
    os.environ.setdefault('PIANOGEN_CACHE', tempfile.mkdtemp())
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    from pianogen.data import clean_files, shared_data_dir
    from pianogen.tokens import dataset_from_pieces
    from pianogen.train import synth_pieces, pipelines, model_tokenizer
    from pianogen.model import MODELS
    from pianogen.model import build_model, compile_model
    import keras, tensorflow as tf

    folder = Path(args.data) if args.data else shared_data_dir()
    if folder is not None and folder.is_dir():
        pieces, _ = clean_files(sorted(folder.rglob('*.mid')), progress=False)
        source = f"{len(pieces)} pieces from {folder}"
    else:
        pieces = synth_pieces(('Bach', 'Chopin', 'Mozart'), per_composer=4, beats=400)
        source = f"{len(pieces)} synthetic pieces (no real data found)"
    data = dataset_from_pieces(pieces)
    print(f"{source}; {os.cpu_count()} CPU cores, TensorFlow {tf.__version__}, devices: "
          f"{', '.join(d.device_type for d in tf.config.list_physical_devices())}"
          + ('; mixed_float16' if args.mixed_precision else ''))
    if args.mixed_precision: keras.config.set_dtype_policy('mixed_float16')

    rows = []
    for kind in ('seed', 'lstm'):
        keras.utils.set_random_seed(0)
        tok, all_positions = model_tokenizer(kind), MODELS[kind].all_positions
        train_ds, _ = pipelines(data, tok, args.seq_len, all_positions, args.batch_size, steps_per_epoch=args.steps)
        model = compile_model(build_model(kind, tokenizer=tok, seq_len=args.seq_len, lstm_units=args.lstm_units))
        model.fit(train_ds, epochs=1, steps_per_epoch=args.warmup, verbose=0)
        t0 = time.perf_counter()
        model.fit(train_ds, epochs=1, steps_per_epoch=args.steps, verbose=0)
        secs = time.perf_counter() - t0
        targets = args.batch_size * (args.seq_len if all_positions else 1) * args.steps
        rows.append((kind, model.count_params(), secs / args.steps, targets / secs))

    print(f"{'model':6s} {'targets/window':>14s} {'parameters':>11s} {'s/step':>8s} {'targets/s':>11s}")
    for kind, params, step, rate in rows:
        print(f"{kind:6s} {(args.seq_len if kind != 'seed' else 1):14d} {params:11,d} {step:8.3f} {rate:11,.0f}")
    ratio = rows[1][3] / rows[0][3]
    print(f"ratio lstm all-position / seed windows: {ratio:,.1f}x at {args.lstm_units} LSTM units, batch {args.batch_size}")
    print(f"goal >= 50x: {'met' if ratio >= 50 else 'MISSED'}")

if __name__ == '__main__': main()
