"""Re-execute notebooks in place, so that their stored outputs come from the code as it is now.

    python tools/run_notebooks.py                       # every notebook in nbs/
    python tools/run_notebooks.py nbs/06_player.ipynb   # some of them

Runs `nbdev_export` first (the package must be the notebooks' code), then each notebook top to
bottom in a fresh kernel with nbs/ as the working directory, the same way `nbdev_test` runs them.
`#| slow` cells run too: with ../shared/data present they use the real data, without it they
skip themselves and store that they skipped. Cells marked `#| eval: false` or `#| notest` are not
run and keep their stored outputs (measurements made by hand, or jobs too long for a notebook run:
each says so beside it). Each notebook is written back and cleaned with `nbdev_clean`; a failing
cell stops that notebook, leaves its file untouched, and makes the exit status 1."""
import argparse, os, re, subprocess, sys, time
from pathlib import Path
import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'
KEEP = re.compile(r'^\s*#\|\s*(eval:\s*false|notest)\s*$', re.M)   # cells that are not run: their outputs stay

class Executor(ExecutePreprocessor):
    "nbconvert's executor, leaving out the cells nbdev does not run"
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == 'code' and KEEP.search(cell.source): return cell, resources
        return super().preprocess_cell(cell, resources, index)

def bin_of(name):
    "A command of this Python's environment (the venv's nbdev_clean), else the one on PATH"
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else name

def run_notebook(path, timeout=3600):
    "Execute one notebook in place; the seconds it took"
    nb, start = nbformat.read(path, as_version=4), time.monotonic()
    # the kernel leaves what C++ libraries write to fd 2 (TensorFlow's start-up log) to this terminal, not the notebook,
    # and the widgets' state is not stored (a page without a kernel shows the player's static copy instead)
    Executor(timeout=timeout, kernel_name='python3',
             extra_arguments=['--IPKernelApp.capture_fd_output=False']).preprocess(nb, {'metadata': {'path': str(NBS)}})
    nb.metadata.pop('widgets', None)
    nbformat.write(nb, path)
    return time.monotonic() - start

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', type=Path, help='notebooks to run (default: every one in nbs/)')
    p.add_argument('--timeout', type=int, default=3600, help='seconds a cell may take')
    args = p.parse_args(argv)
    paths = [n.resolve() for n in args.notebooks] or sorted(q for q in NBS.glob('*.ipynb') if not q.name.startswith('_'))
    missing = [str(n) for n in paths if not n.is_file()]
    if missing: sys.exit(f"run_notebooks: no such notebook: {', '.join(missing)}")
    os.environ['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))   # the kernels import this checkout
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    subprocess.run([bin_of('nbdev_export')], cwd=ROOT, check=True)
    data = (ROOT.parent / 'shared' / 'data').is_dir()
    print(f"run_notebooks: {len(paths)} notebooks, slow cells on {'the real data in ../shared/data' if data else 'no data (they skip)'}", flush=True)
    failed = []
    for path in paths:
        try: print(f"  {path.name}: {run_notebook(path, args.timeout):.0f} s", flush=True)
        except Exception as e:
            failed.append(path.name); print(f"  {path.name}: FAILED, left as it was\n{e}", file=sys.stderr, flush=True)
    subprocess.run([bin_of('nbdev_clean')], cwd=ROOT, check=True)
    if failed: sys.exit(f"run_notebooks: {len(failed)} failed: {', '.join(failed)}")

if __name__ == '__main__': main()
