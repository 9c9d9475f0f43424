"End to end: the player widget in a real JupyterLab, in headless Chromium driven through the DevTools protocol"
import base64, json, os, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
import pytest
from test_app_browser import CHROMIUM, DevTools, browser   # noqa: F401 (browser: the headless Chromium fixture)

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name('jupyter-lab')
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: install Debian's chromium package "
                                 "(apt-get install -y chromium) to run the browser tests"),
              pytest.mark.skipif(not JUPYTER.exists(), reason=f'no {JUPYTER}: jupyterlab is a dev requirement (pip install -e ".[dev]")')]
SCREENSHOT = Path(tempfile.gettempdir()) / 'pianogen_jupyterlab.png'
PLAYER_CELL = """from pianogen.player import Player
player = Player()
player.composer.value, player.seconds.value, player.seed.value = 'chopin', 6, 5
player"""

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture
def jupyterlab(tmp_path):
    "JupyterLab on a free localhost port with a token, serving a folder with the player notebook; its URL"
    import nbformat
    root, home = tmp_path / 'notebooks', tmp_path / 'jupyter'
    root.mkdir(); home.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PLAYER_CELL)])
    nb.metadata.kernelspec = dict(name='python3', display_name='Python 3', language='python')
    nbformat.write(nb, root / 'player.ipynb')
    settings = home / 'settings' / '@jupyterlab' / 'apputils-extension'
    settings.mkdir(parents=True)
    (settings / 'notification.jupyterlab-settings').write_text(json.dumps(dict(fetchNews='false', checkForUpdates=False)))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, 'JUPYTER_CONFIG_DIR': str(home / 'config'), 'JUPYTER_RUNTIME_DIR': str(home / 'runtime'),
           'JUPYTERLAB_SETTINGS_DIR': str(home / 'settings'), 'JUPYTERLAB_WORKSPACES_DIR': str(home / 'workspaces'),
           'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])), 'TF_CPP_MIN_LOG_LEVEL': '3'}
    log = open(tmp_path / 'jupyterlab.log', 'w')
    proc = subprocess.Popen([str(JUPYTER), '--no-browser', '--ip=127.0.0.1', f'--port={port}', f'--IdentityProvider.token={token}',
                             f'--ServerApp.root_dir={root}', '--ServerApp.port_retries=0', *(['--allow-root'] if os.geteuid() == 0 else [])],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        base, end = f'http://127.0.0.1:{port}', time.monotonic() + 60
        while True:
            try: urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=5); break
            except OSError:
                if time.monotonic() > end or proc.poll() is not None:
                    pytest.fail(f"JupyterLab did not start (exit {proc.poll()}):\n{(tmp_path / 'jupyterlab.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield f'{base}/lab/tree/player.ipynb?token={token}'
    finally:
        try: os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError: pass
        proc.wait(20); log.close()

OUTPUT = '.jp-OutputArea-output'
def test_player_generates_and_plays_in_jupyterlab(jupyterlab, browser):
    browser('Page.navigate', url=jupyterlab)
    shot = lambda: SCREENSHOT.write_bytes(base64.b64decode(browser('Page.captureScreenshot', format='png')['data']))
    browser.wait_for("document.querySelector('.jp-Notebook .jp-Cell .cm-content') !== null && "
                     "document.querySelector('.jp-Notebook-ExecutionIndicator, .jp-KernelStatus') !== null",
                     timeout=90, what='JupyterLab and the notebook')
    # run the cell as a user does: click on it, wait for the kernel, Shift+Enter
    browser.click_where("document.querySelector('.jp-Notebook .jp-Cell .jp-InputPrompt')")
    try: browser.wait_for("[...document.querySelectorAll('.jp-StatusBar-Item')].some(e => /[|] Idle$/.test(e.textContent.trim()))",
                          timeout=90, what='the kernel to be idle')
    except TimeoutError: shot(); raise
    prompt = "document.querySelector('.jp-Notebook .jp-Cell .jp-InputPrompt').textContent.trim()"
    browser.click_where("document.querySelector('.jp-Notebook .jp-Cell .jp-InputPrompt')")
    for kind in ('rawKeyDown', 'keyUp'):
        browser('Input.dispatchKeyEvent', type=kind, key='Enter', code='Enter', windowsVirtualKeyCode=13, modifiers=8)
    browser.wait_for(f"{prompt} !== '[ ]:'", timeout=20, what='the cell to run')
    try: browser.wait_for(f"[...document.querySelectorAll('{OUTPUT} button')].some(b => b.textContent.includes('Generate'))",
                          timeout=120, what="the player's widgets (the kernel started, pianogen imported)")
    except TimeoutError: shot(); raise
    browser.click_where(f"[...document.querySelectorAll('{OUTPUT} button')].find(b => b.textContent.includes('Generate'))")
    # the Audio widget holds an empty blob from the start (src set, media error): wait for the piece itself, whose
    # download links are set after its audio and piano roll
    browser.wait_for(f"document.querySelector('{OUTPUT}').innerText.includes('download MIDI')", timeout=120, what='a piece')
    got = browser.js(f"""(async () => {{
      const out = document.querySelector('{OUTPUT}'), audio = out.querySelector('audio'), roll = out.querySelector('img');
      const why = () => `src ${{audio.src.slice(0, 40)}}, readyState ${{audio.readyState}}, error ${{audio.error && audio.error.code}} ${{audio.error && audio.error.message}}`;
      if (audio.readyState < 1) await new Promise((ok, fail) => {{
        audio.addEventListener('loadedmetadata', ok, {{once: true}}); audio.addEventListener('error', () => fail(new Error('audio error: ' + why())), {{once: true}});
        setTimeout(() => fail(new Error('no loadedmetadata in 20 s: ' + why())), 20000); }});
      const bytes = new Uint8Array(await (await fetch(audio.src)).arrayBuffer());
      const text = (a, b) => String.fromCharCode(...bytes.slice(a, b));
      if (roll && !roll.complete) await new Promise(ok => roll.addEventListener('load', ok, {{once: true}}));
      return {{riff: text(0, 4), wave: text(8, 12), size: bytes.length, duration: audio.duration, controls: audio.controls,
              roll: roll ? [roll.naturalWidth, roll.naturalHeight] : null, text: out.innerText}};
    }})()""")
    assert (got['riff'], got['wave']) == ('RIFF', 'WAVE') and got['size'] > 44 and got['controls'], got
    assert got['duration'] >= 4, got            # six seconds of music asked for, short of them by less than a beat
    assert got['roll'] and min(got['roll']) > 50, got   # the piano roll, drawn
    assert 'Frédéric Chopin' in got['text'] and 'seed 5' in got['text'] and 'download MIDI' in got['text'], got['text']
    browser.js("document.querySelector('.jp-OutputArea-output').scrollIntoView({block: 'start'})")
    shot()
