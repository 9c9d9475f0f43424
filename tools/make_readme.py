"""Write README.md from nbs/index.ipynb with nbconvert's Markdown exporter.

nbdev_readme needs Quarto, which cannot be installed on machines without general internet
access (quarto-cli downloads its binary while it builds), so the README is made here instead:
hidden cells (`#| hide`) are left out and nbdev directives are stripped. `--check` exits 1
when README.md differs from what the notebook produces (CI runs it). Either way it exits 1 when
a verdict table (`nbs/verdict/*.md`, written by tools/verdict.py) is not in the README as it is
in its file: index.ipynb's stored outputs are then stale (`python tools/run_notebooks.py nbs/index.ipynb`)."""
import sys, re, copy
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\|.*\n?', re.M)

def readme_text(nb_path=ROOT / 'nbs' / 'index.ipynb'):
    nb = nbformat.read(nb_path, as_version=4)
    cells = []
    for c in nb.cells:
        src = c.source
        if c.cell_type == 'code':
            dirs = [l.strip() for l in src.splitlines() if l.strip().startswith('#|')]
            if any(d.replace(' ', '') in ('#|hide', '#|include:false') for d in dirs): continue
            c = copy.deepcopy(c); c.source = DIRECTIVE.sub('', src)
            if any(d.replace(' ', '') == '#|echo:false' for d in dirs): c.metadata.setdefault('tags', []).append('remove_input')
            c.outputs = [o for o in c.get('outputs', []) if o.get('output_type') != 'stream' or o.get('name') != 'stderr']
        cells.append(c)
    nb.cells = cells
    nb.metadata['language_info'] = {'name': 'python'}   # fenced code blocks as ```python
    from traitlets.config import Config
    config = Config({'TagRemovePreprocessor': {'enabled': True, 'remove_input_tags': {'remove_input'}}})
    body, _ = MarkdownExporter(config=config, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    body = re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'
    return "<!-- generated from nbs/index.ipynb by tools/make_readme.py: do not edit -->\n\n" + body

def stale_verdict_tables(text, verdict=ROOT / 'nbs' / 'verdict'):
    "The verdict's Markdown files whose table is not in `text` (the README) exactly as in the file"
    return [p.name for p in sorted(verdict.glob('*.md')) if p.read_text(encoding='utf-8').strip() not in text]

if __name__ == '__main__':
    text, out = readme_text(), ROOT / 'README.md'
    stale = stale_verdict_tables(text)
    if stale: sys.exit(f"nbs/index.ipynb shows another verdict than nbs/verdict/{', '.join(stale)}: "
                       "run `python tools/run_notebooks.py nbs/index.ipynb`, then `python tools/make_readme.py`")
    if '--check' in sys.argv:
        if not out.exists() or out.read_text() != text:
            sys.exit('README.md is out of date: run `python tools/make_readme.py`')
    else: out.write_text(text)
