"End to end: the web app's page in headless Chromium, driven through the Chrome DevTools Protocol"
import base64, json, os, shutil, signal, subprocess, tempfile, threading, time, urllib.request
from pathlib import Path
import pytest

CHROMIUM = next(filter(None, map(shutil.which, ['chromium', 'chromium-browser', 'google-chrome'])), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: install Debian's chromium package "
                                "(apt-get install -y chromium) to run the browser test")
SCREENSHOT = Path(tempfile.gettempdir()) / 'pianogen_app.png'

class DevTools:
    "A minimal Chrome DevTools Protocol client over one target's websocket"
    def __init__(self, url):
        import websocket
        self.ws, self.n = websocket.create_connection(url, timeout=60, suppress_origin=True), 0

    def __call__(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps(dict(id=self.n, method=method, params=params)))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self.n:
                if 'error' in msg: raise RuntimeError(f"{method}: {msg['error']}")
                return msg['result']

    def js(self, expression):
        "The value of a JavaScript expression in the page (promises awaited)"
        r = self('Runtime.evaluate', expression=expression, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in r: raise RuntimeError(f"{expression[:60]!r}: {r['exceptionDetails']}")
        return r['result'].get('value')

    def wait_for(self, expression, timeout=45, what=None):
        "Poll until `expression` is truthy; returns its value"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if v := self.js(expression): return v
            time.sleep(0.2)
        raise TimeoutError(f"waited {timeout} s for {what or expression}")

    def click(self, selector):
        "A real mouse click (a user gesture, so the page may play audio) at the middle of `selector`"
        self.click_where(f"document.querySelector({selector!r})")

    def click_where(self, element):
        "A real mouse click at the middle of the element a JavaScript expression gives"
        x, y = self.js(f"(r => [r.x + r.width / 2, r.y + r.height / 2])(({element}).getBoundingClientRect())")
        self('Input.dispatchMouseEvent', type='mouseMoved', x=x, y=y)
        for kind in ('mousePressed', 'mouseReleased'):
            self('Input.dispatchMouseEvent', type=kind, x=x, y=y, button='left', clickCount=1)

@pytest.fixture
def server():
    "The real server (waitress) on a free port, the model warmed up"
    from pianogen.app import create_app, make_server, stop_server
    app = create_app()
    app.extensions['pianogen'].warm_up()
    srv = make_server(app, port=0)
    threading.Thread(target=srv.run, daemon=True).start()
    yield f'http://127.0.0.1:{srv.effective_port}/'
    stop_server(srv)

@pytest.fixture
def browser(tmp_path):
    "Headless Chromium with remote debugging; a DevTools client on its page"
    pytest.importorskip('websocket', reason='websocket-client is not installed (a dev requirement: pip install -e ".[dev]")')
    proc = subprocess.Popen([CHROMIUM, '--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--mute-audio',
                             '--no-default-browser-check', '--remote-debugging-port=0', f'--user-data-dir={tmp_path}',
                             '--window-size=900,1000', 'about:blank'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file, end = tmp_path / 'DevToolsActivePort', time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > end or proc.poll() is not None: pytest.fail(f"{CHROMIUM} did not start (exit {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10))
        devtools = DevTools(next(t for t in targets if t['type'] == 'page')['webSocketDebuggerUrl'])
        yield devtools
        devtools.ws.close()
    finally:
        try: os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError: pass
        proc.wait(10)

def test_generate_and_play_in_the_browser(server, browser):
    start = time.monotonic()
    browser('Page.navigate', url=server)
    browser.wait_for("document.readyState === 'complete' && document.getElementById('composer').options.length > 1",
                     what='the page and its composer list')
    composers = browser.js("[...document.getElementById('composer').options].map(o => o.value)")
    assert composers[0] == 'any' and 'Frédéric Chopin' in composers
    browser.wait_for("document.getElementById('style').options.length > 1 && !document.getElementById('style').hidden", what='the style menu')
    scores = browser.js("""(() => { const style = document.getElementById('style');
      style.value = 'asap'; style.dispatchEvent(new Event('change'));
      return [...document.getElementById('composer').options].map(o => o.value); })()""")
    assert scores[0] == 'any' and 'Frédéric Chopin' in scores and 'Friedrich Burgmüller' in composers and 'Friedrich Burgmüller' not in scores
    browser.js("""(() => {
      const $ = id => document.getElementById(id);
      $('composer').value = 'Frédéric Chopin'; $('seconds').value = '6'; $('seed').value = '42';
      window.buttonStates = [];
      new MutationObserver(() => buttonStates.push($('generate').disabled)).observe($('generate'), {attributes: true});
    })()""")
    browser.click('#generate')
    browser.wait_for("document.getElementById('player').src || document.getElementById('error').textContent",
                     what='the audio player to get a piece')
    got = browser.js("""(async () => {
      const $ = id => document.getElementById(id), player = $('player');
      if (player.readyState < 1) await new Promise((ok, fail) => {
        player.addEventListener('loadedmetadata', ok, {once: true}); player.addEventListener('error', fail, {once: true});
        setTimeout(() => fail(new Error('no loadedmetadata in 20 s')), 20000); });
      const bytes = new Uint8Array(await (await fetch(player.src)).arrayBuffer());
      const text = (a, b) => String.fromCharCode(...bytes.slice(a, b));
      return {src: player.src, duration: player.duration, riff: text(0, 4), wave: text(8, 12), size: bytes.length,
              error: $('error').textContent, about: $('about').textContent, status: $('status').textContent,
              midi: $('midi').href, wav: $('wav').href, hidden: $('result').hidden, disabled: $('generate').disabled,
              buttonStates: window.buttonStates, playing: !player.paused || player.currentTime > 0};
    })()""")
    assert got['error'] == '', got['error']
    assert (got['riff'], got['wave']) == ('RIFF', 'WAVE') and got['size'] > 44
    assert got['duration'] > 0 and got['playing'], got
    assert got['src'].startswith(server + 'pieces/') and got['src'].endswith('.wav') and got['wav'] == got['src']
    assert got['midi'] == got['src'][:-4] + '.mid'
    assert got['about'].startswith('Frédéric Chopin, after primer ') and ' messages' in got['about'] and 'seed 42' in got['about']
    seconds = float(got['about'].split(': ', 1)[1].split(' s, ')[0])
    assert 6 - 1.6 <= seconds <= 6 and 6 - 1.6 <= got['duration'], got   # six seconds of music, within a beat
    assert got['buttonStates'][:1] == [True] and got['disabled'] is False and got['hidden'] is False
    SCREENSHOT.write_bytes(base64.b64decode(browser('Page.captureScreenshot', format='png')['data']))
    # an error from the API is shown in the page
    browser.js("document.getElementById('seconds').value = '0'")
    browser.click('#generate')
    error = browser.wait_for("document.getElementById('error').textContent", timeout=20, what='the error message')
    assert error == 'seconds must be more than 0, not 0'
    assert time.monotonic() - start < 60
