"""`pianogen train --strategy multiworker`: two worker processes on this machine, a cluster described by
`TF_CONFIG` with two free localhost ports, against one process training on the same global batch.

The model is the founding design's `seed` at `--size tiny`: it has no dropout, so one worker and two
compute the same function of the same batches, and their losses can be compared closely (see
`test_two_workers_train_as_one`). Two epochs of 6 steps; each two-worker run takes about 40 s on the
2-core CI machine, most of it starting TensorFlow and the cluster."""
import csv, json, os, signal, socket, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
from test_train_resume import PIANOGEN, write_pieces

pytestmark = pytest.mark.slow
EPOCHS, STEPS, BATCH = 2, 6, 8

def free_ports(n):
    "n free localhost ports (held open together, so they differ)"
    socks = [socket.socket() for _ in range(n)]
    for s in socks: s.bind(('localhost', 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def tf_config(ports, index):
    return json.dumps({'cluster': {'worker': [f'localhost:{p}' for p in ports]}, 'task': {'type': 'worker', 'index': index}})

def train_cmd(tmp, out, *extra):
    return PIANOGEN + ['train', '--data', str(tmp / 'midi'), '--model', 'seed', '--size', 'tiny', '--out', str(out),
                       '--epochs', str(EPOCHS), '--steps-per-epoch', str(STEPS), '--batch-size', str(BATCH),
                       '--seq-len', '32', '--seed', '0', *extra]

def start_cluster(cmd, env, log_dir, name):
    "Two processes, worker 0 and worker 1 of one cluster: the same command, or one command each"
    cmds = cmd if isinstance(cmd[0], list) else [cmd, cmd]
    ports = free_ports(len(cmds))
    return [subprocess.Popen(c, stdout=open(log_dir / f'{name}{i}.out', 'w'), stderr=subprocess.STDOUT,
                             env=dict(env, TF_CONFIG=tf_config(ports, i))) for i, c in enumerate(cmds)]

def finish(procs, log_dir, name, timeout=150, returncode=0):
    "The outputs of the processes, once they all ended with `returncode`"
    for p in procs: p.wait(timeout=timeout)
    outs = [(log_dir / f'{name}{i}.out').read_text() for i in range(len(procs))]
    for p, out in zip(procs, outs): assert p.returncode == returncode, out
    return outs

def log_rows(run):
    with open(run / 'log.csv', newline='') as f: return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]

@pytest.fixture
def cluster_env(tmp_path):
    write_pieces(tmp_path / 'midi')
    (tmp_path / 'tmp').mkdir()
    # TMPDIR: where the worker that is not the chief keeps its temporary folder, to check that it is removed
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', PYTHONUNBUFFERED='1', TMPDIR=str(tmp_path / 'tmp'))
    env.pop('TF_CONFIG', None)
    return tmp_path, env

def test_two_workers_train_as_one(cluster_env):
    tmp, env = cluster_env
    procs = start_cluster(train_cmd(tmp, tmp / 'two', '--strategy', 'multiworker'), env, tmp, 'worker')
    single = subprocess.run(train_cmd(tmp, tmp / 'one'), capture_output=True, text=True, env=env, timeout=120)
    assert single.returncode == 0, single.stdout + single.stderr
    outs = finish(procs, tmp, 'worker')

    assert 'worker 0 of 2' in outs[0] and 'worker 1 of 2' in outs[1]
    assert 'on the CPU (no GPU found)' in outs[0].split('epoch')[0]          # the first line says where it trains
    assert 'this worker is done; the chief writes the run folder' in outs[1]
    config = json.loads((tmp / 'two' / 'config.json').read_text())
    assert config['distribution']['workers'] == 2 and config['distribution']['replicas'] == 2
    assert config['distribution']['strategy'] in ('MultiWorkerMirroredStrategy', 'CollectiveAllReduceStrategy')
    assert sorted(p.name for p in (tmp / 'two').iterdir()) == ['best.keras', 'config.json', 'log.csv', 'summary.json', 'tb']
    assert list((tmp / 'tmp').iterdir()) == []                                # the other worker's folder is gone

    # The same global batches, split in two halves: the losses differ only by float32 rounding of the gradients
    # summed in another order (measured: 1e-7 relative). 1e-5 leaves room for other CPUs' kernels and is far
    # below what other data would change: one epoch of these 6 steps moves the training loss by 1e-3 relative.
    two, one = log_rows(tmp / 'two'), log_rows(tmp / 'one')
    assert [r['epoch'] for r in two] == [r['epoch'] for r in one] == list(range(EPOCHS))
    for key in ('loss', 'val_loss', 'val_nll', 'val_pitch_acc'):
        np.testing.assert_allclose([r[key] for r in two], [r[key] for r in one], rtol=1e-5, err_msg=key)
    assert abs(one[1]['loss'] / one[0]['loss'] - 1) > 1e-3                    # the tolerance is tight against one epoch

    # The chief's checkpoint loads and generates well-formed music
    from pianogen.model import load_model
    from pianogen.generate import generate
    from pianogen.data import clean_midi
    model = load_model(tmp / 'two' / 'best.keras')
    piece, = generate(model, primer=str(sorted((tmp / 'midi' / 'Bach').glob('*.mid'))[0]), length=24, seed=0)
    assert len(piece.messages) - piece.primer_length == 24
    back = clean_midi(piece.midi(), name='generated.mid', sustain=False, clip_gaps=False).report
    assert (back.orphan_note_offs, back.unreleased) == (0, 0)

def test_killed_worker_stops_the_cluster_which_resumes(cluster_env):
    tmp, env = cluster_env
    run = tmp / 'run'
    cmd = train_cmd(tmp, run, '--strategy', 'multiworker')
    procs = start_cluster(cmd, env, tmp, 'first')
    meta = run / 'backup' / 'training_metadata.json'
    try:
        deadline = time.time() + 120
        while not meta.exists():
            assert all(p.poll() is None for p in procs), (tmp / 'first0.out').read_text() + (tmp / 'first1.out').read_text()
            assert time.time() < deadline, 'no backup after 120 s'
            time.sleep(0.05)
        procs[1].send_signal(signal.SIGKILL)                  # worker 1 dies ...
        procs[0].wait(timeout=60)                             # ... and the chief stops: its peer sends no heartbeat
    finally:
        for p in procs: p.kill(); p.wait()
    # TF reports the lost peer either as an unhealthy task (heartbeat) or as a failed collective, whichever comes first
    out = (tmp / 'first0.out').read_text()
    assert procs[0].returncode != 0 and any(m in out for m in ('unhealthy', 'Collective', 'collective')), out[-2000:]
    done = json.loads(meta.read_text())['epoch']
    assert done == 1 and not (run / 'summary.json').exists()
    left = set((tmp / 'tmp').iterdir())                       # a killed worker cannot remove its temporary folder

    # a worker that does not see the run folder is refused, and so is the whole cluster
    elsewhere = train_cmd(tmp, tmp / 'elsewhere', '--strategy', 'multiworker')
    for out in finish(start_cluster([cmd, elsewhere], env, tmp, 'wrong'), tmp, 'wrong', returncode=2):
        assert 'the workers disagree on the epochs in the backup (this one: ' in out and 'shared file system' in out
    assert json.loads(meta.read_text())['epoch'] == done

    outs = finish(start_cluster(cmd, env, tmp, 'second'), tmp, 'second')   # the cluster started again
    for out in outs:
        assert f'resuming after epoch {done}' in out
        assert [l.split()[1] for l in out.splitlines() if l.startswith('epoch')] == [f'{e}/{EPOCHS}' for e in range(done + 1, EPOCHS + 1)]
    assert [r['epoch'] for r in log_rows(run)] == list(range(EPOCHS))             # each epoch once
    assert json.loads((run / 'summary.json').read_text())['epochs_run'] == EPOCHS
    assert not (run / 'backup').exists() and set((tmp / 'tmp').iterdir()) == left
