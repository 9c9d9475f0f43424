"""Training throughput of `pianogen train --strategy multiworker` with two local workers against one process.

Both runs train the same model on the same global batch (`--batch-size`), the two workers as a cluster
of two localhost ports in `TF_CONFIG`, each worker computing half of every batch. Throughput is
training windows per second over the epochs after the first (the first one includes tracing), from
the `seconds` column of each run's `log.csv`. On one machine the two workers share its cores, so this
measures the cost of the collective all-reduce more than a speed-up; across machines each worker
brings its own cores or GPU.
Data: synthetic pieces (`pianogen.train.synth_midi`). Writes the figures as JSON with --json.
Run: python benchmarks/bench_train_workers.py --json benchmarks/train_workers.json"""
import argparse, csv, json, os, socket, subprocess, sys, tempfile, time
from pathlib import Path

PIANOGEN = [sys.executable, '-c', 'import sys; from pianogen.cli import main; sys.exit(main())']

def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks: s.bind(('localhost', 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def run(workers, args, data, out):
    "Train with `workers` processes (1: no cluster); seconds per epoch after the first"
    cmd = PIANOGEN + ['train', '--data', str(data), '--model', args.model, '--size', args.size, '--out', str(out),
                      '--epochs', str(args.epochs), '--steps-per-epoch', str(args.steps), '--validation-steps', '1',
                      '--batch-size', str(args.batch_size), '--seq-len', str(args.seq_len), '--patience', '100']
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2')
    if workers == 1: procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)]
    else:
        ports = free_ports(workers)
        cluster = {'worker': [f'localhost:{p}' for p in ports]}
        procs = [subprocess.Popen(cmd + ['--strategy', 'multiworker'], stdout=subprocess.DEVNULL,
                                  env=dict(env, TF_CONFIG=json.dumps({'cluster': cluster, 'task': {'type': 'worker', 'index': i}})))
                 for i in range(workers)]
    for p in procs:
        if p.wait() != 0: raise SystemExit(f"training with {workers} worker(s) failed")
    with open(out / 'log.csv', newline='') as f: seconds = [float(r['seconds']) for r in csv.DictReader(f)][1:]
    return sum(seconds) / len(seconds)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default='lstm'); ap.add_argument('--size', default='small')
    ap.add_argument('--batch-size', type=int, default=64); ap.add_argument('--seq-len', type=int, default=150)
    ap.add_argument('--steps', type=int, default=10, help='training steps per epoch')
    ap.add_argument('--epochs', type=int, default=3, help='epochs of each run (the first is not timed)')
    ap.add_argument('--json', help='write the figures here')
    args = ap.parse_args()
    from pianogen.train import synth_midi
    import tensorflow as tf
    tmp = Path(tempfile.mkdtemp())
    for name, midi in synth_midi(('Bach', 'Chopin', 'Mozart'), per_composer=4, beats=400).items():
        (tmp / 'midi' / name.rsplit('_', 1)[0]).mkdir(parents=True, exist_ok=True); midi.save(tmp / 'midi' / name.rsplit('_', 1)[0] / f'{name}.mid')
    rows = []
    for workers in (1, 2):
        secs = run(workers, args, tmp / 'midi', tmp / f'run{workers}')
        rows.append(dict(workers=workers, seconds_per_epoch=round(secs, 2), windows_per_second=round(args.steps * args.batch_size / secs, 1)))
        print(f"{workers} worker(s): {secs:.2f} s per epoch of {args.steps} steps, {rows[-1]['windows_per_second']:,} windows/s")
    result = dict(rows=rows, ratio=round(rows[1]['windows_per_second'] / rows[0]['windows_per_second'], 2),
                  setup=dict(vars(args), cpu_cores=os.cpu_count(), gpus=len(tf.config.list_physical_devices('GPU')), measured=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())))
    result['setup'].pop('json')
    print(f"two local workers / one process: {result['ratio']}x")
    if args.json: Path(args.json).write_text(json.dumps(result, indent=1) + '\n')

if __name__ == '__main__': main()
