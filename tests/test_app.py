"The web app (pianogen.app) through Flask's test client and a real waitress server"
import io, json, math, os, subprocess, sys, threading, urllib.request, wave
import mido, pytest
from pianogen.app import create_app, make_server, stop_server, PIECE_NAME
from pianogen.data import clean_midi
from pianogen.generate import load_primers

COMPOSERS = load_primers().composers

@pytest.fixture(scope='module')
def app(tmp_path_factory):
    return create_app(store=tmp_path_factory.mktemp('pieces'), max_length=300)

@pytest.fixture(scope='module')
def client(app): return app.test_client()

def post(client, **body): return client.post('/api/generate', json=body)

def read(client, url):
    "The body of GET `url`, the response closed (file responses hold the file open until then)"
    with client.get(url) as r: return r.data

def status(client, url):
    with client.get(url) as r: return r.status_code

def urlread(url, data=None):
    with urllib.request.urlopen(url, data, timeout=60) as r: return r.read()

def check_files(get, out):
    "The MIDI and WAV of a response are well-formed; `get(url)` returns the bytes"
    midi, wav = get(out['midi']), get(out['wav'])
    assert mido.MidiFile(file=io.BytesIO(midi)).tracks
    rep = clean_midi(midi, name='app.mid').report
    assert (rep.unreleased, rep.changed['closed_at_end']) == (0, 0)
    assert wav[:4] == b'RIFF' and wav[8:12] == b'WAVE'
    with wave.open(io.BytesIO(wav)) as w: assert w.getnframes() > 0 and w.getframerate() > 0

def test_page_is_self_contained(client):
    r = client.get('/')
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == 'text/html'
    for needle in ["fetch('/api/generate'", '<audio id="player" controls>', 'id="generate"', 'max="300"', 'id="error"']:
        assert needle in page
    assert '<script src' not in page and '<link' not in page and '@import' not in page and 'http://' not in page

def test_composers(client):
    assert client.get('/api/composers').json == COMPOSERS

def test_styles(client):
    "The styles are the collections of the primers, each with its composers"
    styles, primers = client.get('/api/styles').json, load_primers()
    assert [s['name'] for s in styles] == primers.styles == ['asap', 'piano-midi.de']
    assert all(s['composers'] == primers.of_style(s['name']).composers and s['label'].startswith(s['name']) for s in styles)

@pytest.mark.parametrize('style', ['asap', 'piano-midi.de'])
def test_generate_in_a_style(client, style):
    "A piece in a style starts from a primer of that collection"
    out = post(client, style=style, length=20, seed=4).json
    assert out['style'] == style and out['primer'] in {r.piece_id for rs in load_primers().of_style(style).by_composer.values() for r in rs}

def test_generate(client, app):
    r = post(client, composer='Frédéric Chopin', length=60, temperature=0.8, top_p=0.9, seed=3)
    assert r.status_code == 200, r.json
    out = r.json
    assert set(out) == {'id', 'midi', 'wav', 'composer', 'style', 'primer', 'seconds', 'length', 'seed', 'temperature', 'top_p'}
    assert PIECE_NAME.match(out['id'] + '.mid') and out['midi'] == f"/pieces/{out['id']}.mid" and out['wav'] == f"/pieces/{out['id']}.wav"
    assert (out['composer'], out['length'], out['seed'], out['temperature'], out['top_p']) == ('Frédéric Chopin', 60, 3, 0.8, 0.9)
    assert out['primer'] and out['seconds'] > 0
    check_files(lambda url: read(client, url), out)
    with client.get(out['wav']) as r: assert r.mimetype in ('audio/wav', 'audio/x-wav')

def test_same_seed_same_piece(client):
    a, b = (post(client, composer='haydn', length=40, seed=11).json for _ in range(2))
    assert a['id'] != b['id'] and read(client, a['midi']) == read(client, b['midi'])

@pytest.mark.parametrize('composer', ['any', 'ANY', None, ''])
def test_any_composer(client, composer):
    r = post(client, composer=composer, length=20)
    assert r.status_code == 200 and r.json['composer'] in COMPOSERS and isinstance(r.json['seed'], int)

def test_seconds_of_music(client):
    "The page's length is in seconds: the piece lasts that long, short of it by less than a beat"
    for seconds, seed in [(4, 1), (12, 2)]:
        out = post(client, seconds=seconds, seed=seed).json
        assert seconds - 1.6 <= out['seconds'] <= seconds, out   # the slowest primer's beat is 1.56 s

def test_seconds_capped_with_warning(client):
    r = post(client, seconds=1000, seed=1)
    assert r.status_code == 200 and r.json['warning'] == "1000 seconds capped at 300 (this server's limit)"

def test_length_capped_with_warning(client):
    r = post(client, length=1000, seed=1)
    assert r.status_code == 200 and r.json['length'] == 300
    assert r.json['warning'] == "length 1000 capped at 300 messages (this server's limit)"

BAD = [  # (body as JSON, or raw text, the error must contain)
    ('not json', 'the request body is not JSON'),
    ('{"length": 100', 'the request body is not JSON'),
    ([1, 2], 'the request body must be a JSON object, not list'),
    ({'composer': 'gershwin'}, "unknown composer 'gershwin': choose one of Alexander Scriabin, Claude Debussy"),
    ({'composer': 'fr'}, "ambiguous composer 'fr': choose one of"),
    ({'composer': 3}, 'composer must be a name, not 3'),
    ({'length': '100'}, 'length must be an integer, not "100"'),
    ({'length': 10.5}, 'length must be an integer, not 10.5'),
    ({'length': True}, 'length must be an integer, not true'),
    ({'length': 0}, 'length must be at least 1 message, not 0'),
    ({'length': -5}, 'length must be at least 1 message, not -5'),
    ({'temperature': -0.1}, 'temperature must be between 0 and 5, not -0.1'),
    ({'temperature': 5.5}, 'temperature must be between 0 and 5, not 5.5'),
    ({'temperature': 'hot'}, 'temperature must be a number, not "hot"'),
    ('{"temperature": NaN}', 'temperature must be a number, not NaN'),
    ({'top_p': 0}, 'top_p must be in (0, 1], not 0'),
    ({'top_p': 1.5}, 'top_p must be in (0, 1], not 1.5'),
    ({'top_p': -1}, 'top_p must be in (0, 1], not -1'),
    ({'seed': 'x'}, 'seed must be an integer, not "x"'),
    ({'seed': 1.5}, 'seed must be an integer, not 1.5'),
    ({'seed': -1}, 'seed must be between 0 and 2147483647, not -1'),
    ({'seed': 2**40}, 'seed must be between 0 and 2147483647, not 1099511627776'),
    ({'top-p': 0.5}, "unknown field 'top-p': the fields are composer, style, seconds, length, temperature, top_p, seed"),
    ({'style': 'jazz'}, "unknown style 'jazz': choose one of asap, piano-midi.de"),
    ({'style': 'asap', 'composer': 'burgm'}, "no primers by Friedrich Burgmüller in the style 'asap': choose a style of piano-midi.de"),
    ({'style': 1}, 'style must be a name, not 1'),
    ({'seconds': '10'}, 'seconds must be a number, not "10"'),
    ({'seconds': 0}, 'seconds must be more than 0, not 0'),
    ({'seconds': -3}, 'seconds must be more than 0, not -3'),
    ({'seconds': 10, 'length': 100}, 'give seconds or length, not both'),
]

@pytest.mark.parametrize('body,message', BAD, ids=[m[:40] for _, m in BAD])
def test_bad_requests(client, app, body, message):
    before = set(app.extensions['pianogen_store'].ids())
    r = client.post('/api/generate', data=body, content_type='application/json') if isinstance(body, str) else \
        client.post('/api/generate', json=body)
    assert r.status_code == 400 and r.is_json, r.data
    assert message in r.json['error'], r.json['error']
    assert set(app.extensions['pianogen_store'].ids()) == before      # nothing was generated

def test_other_errors_are_json(client):
    assert client.get('/api/generate').status_code == 405 and 'error' in client.get('/api/generate').json
    r = client.get('/no/such/page')
    assert r.status_code == 404 and r.is_json
    r = client.post('/api/generate', data='x' * 100_000, content_type='application/json')
    assert r.status_code == 413 and r.is_json

def test_no_path_traversal(client, app):
    store = app.extensions['pianogen_store'].path
    (store / 'notes.txt').write_text('not a piece')
    (store.parent / 'outside.mid').write_bytes(b'MThd')
    out = post(client, length=20, seed=2).json
    good = out['id']
    assert status(client, f'/pieces/{good}.mid') == 200
    for url in ['/pieces/..%2f..%2fetc%2fpasswd', '/pieces/../../etc/passwd', '/pieces/..%2foutside.mid',
                '/pieces/%2fetc%2fpasswd', '/pieces//etc/passwd', f'/pieces/{store}/{good}.mid',
                f'/pieces/{str(store).replace("/", "%2f")}%2f{good}.mid', '/pieces/notes.txt',
                f'/pieces/{good}.txt', f'/pieces/{good}.MID', f'/pieces/{good.upper()}.mid', f'/pieces/{good}.mid/',
                f'/pieces/{good}.mid%00', f'/pieces/{good}.mid.wav', f'/pieces/x{good[1:]}.mid', '/pieces/0000000000000000.mid']:
        with client.get(url) as r:
            assert r.status_code == 404, (url, r.status_code)
            assert b'not a piece' not in r.data and r.data[:4] != b'MThd'

def test_keeps_at_most_max_pieces(tmp_path):
    client = create_app(store=tmp_path, max_pieces=2).test_client()
    ids = [post(client, length=10, seed=i).json['id'] for i in range(3)]
    assert [status(client, f'/pieces/{i}.mid') for i in ids] == [404, 200, 200]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f'{i}.{e}' for i in ids[1:] for e in ('mid', 'wav'))

def test_deletes_old_pieces(tmp_path):
    client = create_app(store=tmp_path, max_age_s=60).test_client()
    old = post(client, length=10, seed=1).json['id']
    for ext in ('mid', 'wav'): os.utime(tmp_path / f'{old}.{ext}', (0, 0))
    new = post(client, length=10, seed=2).json['id']
    assert status(client, f'/pieces/{old}.wav') == 404 and status(client, f'/pieces/{new}.wav') == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == [f'{new}.mid', f'{new}.wav']

def test_concurrent_requests_on_a_real_server(app):
    server = make_server(app, port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f'http://127.0.0.1:{server.effective_port}'
    def get(url): return urlread(base + url)
    results, errors = [], []
    def worker(k):
        try:
            for j in range(2):
                req = urllib.request.Request(base + '/api/generate', json.dumps(dict(length=30, seed=10 * k + j)).encode(),
                                             {'Content-Type': 'application/json'})
                results.append(json.loads(urlread(req)))
        except Exception as e: errors.append(repr(e))
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads: t.start()
        for t in threads: t.join(90)
        assert not errors and len(results) == 8
        assert len({r['id'] for r in results}) == 8 and sorted(r['seed'] for r in results) == [0, 1, 10, 11, 20, 21, 30, 31]
        for r in results: check_files(get, r)
    finally: stop_server(server)

def test_no_debug_and_errors_hide_details(client, app, monkeypatch, caplog):
    assert app.debug is False and app.testing is False
    def boom(*args, **kwargs): raise RuntimeError('secret internal detail')
    monkeypatch.setattr('pianogen.app.generate', boom)
    r = post(client, length=10)
    assert r.status_code == 500 and r.is_json
    assert r.json == {'error': "internal server error: the details are in the server's log"}
    assert b'Traceback' not in r.data and b'secret' not in r.data
    assert 'secret internal detail' in caplog.text

def test_serve_prints_its_url(tmp_path):
    code = "from pianogen.app import serve; serve(port=0, warm_up=False)"
    proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True, env={**os.environ, 'PYTHONUNBUFFERED': '1'})
    try:
        lines = []
        while not (lines and 'serving on' in lines[-1]) and proc.poll() is None: lines.append(proc.stdout.readline())
        assert lines[-1].startswith('pianogen: serving on http://127.0.0.1:'), lines
        url = lines[-1].split()[3]
        assert json.loads(urlread(url + 'api/composers')) == COMPOSERS
    finally:
        proc.terminate(); proc.wait(10); proc.stdout.close()

def test_page_and_checks_do_not_wait_for_the_model(client, app):
    maker = app.extensions['pianogen']
    with maker._lock:                      # as while another request is generating
        assert client.get('/api/composers').json == COMPOSERS
        assert post(client, length=0).status_code == 400
        assert client.get('/').status_code == 200

def test_busy_port_is_a_clear_error(app):
    import socket
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0)); busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(OSError, match=f'cannot listen on 127.0.0.1:{port}: Address already in use'): make_server(app, port=port)
