"""Choose the default sampling on the validation pieces: discriminability, rOA, copied 8-gram rate for a grid of settings.

    python tools/tune_sampling.py                      # the shipped default sampling alone
    python tools/tune_sampling.py --grid "time_T=0.9;pitch_T=0.85,1.0;pitch_p=0.9,1.0"

For each setting, N pieces of 1000 messages from the shipped model (or --model), with primers cut from the split's
*validation* pieces, are measured against those validation pieces only: the held-out pieces of the verdict
(tools/verdict.py) are never looked at. Every setting uses the same primers and seeds.
Grid keys: on_T, on_p, time_T, time_p, pitch_T, pitch_p, velocity_T, velocity_p (temperature and top-p per field),
R (max_repeats), P (repeat_penalty), O (off_grid: the weight of a note-on's times off the grid, 0 to 1), C (recall: the bonus on what the piece's own past proposes), X (clash: the penalty on a note-on a semitone from a key held down). `--loops` also prints, for real and generated music, the share of messages inside runs where one
figure of up to 16 messages is played k times or more in a row."""
import argparse, itertools, json, sys
import numpy as np

from pianogen.sampling import SAMPLED_FIELDS as FIELDS   # imports no TensorFlow
WATCHED = ('onset_off_grid', 'top_third', 'pitch_mean', 'pitch_range', 'ic_1', 'ic_2', 'top_repeat', 'bass_repeat', 'chord_size', 'velocity_levels', 'pitch_class_entropy')   # features printed for every setting (generated, real)

def loop_shares(token_arrays, ks=(2, 3, 4, 6, 8)):
    "Share of messages inside a figure (up to 16 messages) played k times or more in a row, for each k"
    from pianogen.evaluate import figure_repeats
    c = np.concatenate([figure_repeats(t) for t in token_arrays])
    return {k: round(float((c >= k).mean()), 4) for k in ks}

def sampling_for(setting):
    "A `Sampling` from one grid point"
    from pianogen.generate import Sampling
    return Sampling(temperature={f: setting[f'{f}_T'] for f in FIELDS if f'{f}_T' in setting},
                    top_p={f: setting[f'{f}_p'] for f in FIELDS if f'{f}_p' in setting},
                    **({'max_repeats': int(setting['R'])} if 'R' in setting else {}),
                    **({'repeat_penalty': setting['P']} if 'P' in setting else {}),
                    **({'off_grid': setting['O']} if 'O' in setting else {}),
                    **({'recall': setting['C']} if 'C' in setting else {}),
                    **({'clash': setting['X']} if 'X' in setting else {}))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', help='default: the shipped one')
    ap.add_argument('--data', help="default: the shipped model's training data, from its card")
    ap.add_argument('--pieces', type=int, default=24)
    ap.add_argument('--length', type=int, default=1000, help='messages per piece')
    ap.add_argument('--beats', type=int, default=100, help='crop every piece to this many beats')
    ap.add_argument('--grid', default='', help='settings to try, each KEY=V1,V2 joined by ";"; every other setting is the default (none: the default alone)')
    ap.add_argument('--velocity-new', type=float, help="pianogen.tokens.VELOCITY_NEW for this run; 'inf': every velocity drawn afresh within its bin, as before 2026-12-02 (night)")
    ap.add_argument('--seed', type=int, default=0, help='another seed: other primers (from the same validation pieces) and other pieces')
    ap.add_argument('--style', help="cut primers only from this collection's validation pieces (e.g. asap, piano-midi.de); judged against all of them, and also against that collection's own")
    ap.add_argument('--recall-from', type=int, help="pianogen.sampling.RECALL_FROM for this run: recall proposes only from places at least this many messages back")
    ap.add_argument('--loops', action='store_true', help='also count loops in real and generated music')
    ap.add_argument('--out', help='append one JSON line per setting to this file')
    args = ap.parse_args()
    from pianogen.generate import generate, load_for_generation, model_card, Primers
    from pianogen.tokens import build_dataset, Tokenizer
    from pianogen.data import notes_to_messages
    from pianogen.evaluate import NgramIndex, metrics_table, roa, discriminability
    if args.velocity_new is not None:
        import pianogen.tokens; pianogen.tokens.VELOCITY_NEW = args.velocity_new
    if args.recall_from is not None:
        import pianogen.sampling; pianogen.sampling.RECALL_FROM = args.recall_from
    data_source = args.data or model_card(args.model).get('source')
    if not data_source: raise SystemExit(f"--data: {args.model} has no model card naming its training data; give --data")
    data = build_dataset(data_source, seed=0)
    validation = data.split.validation
    index = NgramIndex(data.split.train, n=8)
    real = metrics_table(validation, index=index, beats=args.beats)
    model = load_for_generation(args.model)
    own = [p for p in validation if args.style in (None, p.collection)]
    if not own: raise SystemExit(f"--style: no validation pieces of collection {args.style!r}; there are {sorted({p.collection for p in validation})}")
    primers = Primers.from_pieces(own, length=model.seq_len, per_piece=1 if args.style is None else 2, seed=args.seed)
    composers = [primers.composers[i % len(primers.composers)] for i in range(args.pieces)]
    grid = {k: [float(x) for x in v.split(',')] for k, v in (kv.split('=') for kv in args.grid.split(';') if kv.strip())}
    unknown = set(grid) - {f'{f}_{s}' for f in FIELDS for s in 'Tp'} - {'R', 'P', 'O', 'C', 'X'}
    if unknown: raise SystemExit(f"--grid: unknown keys {sorted(unknown)}")
    if args.loops:
        tok = Tokenizer('grid')
        for part in ('train', 'validation'):
            print(f"real ({part}): share of messages in loops played >= k times:",
                  loop_shares([tok.encode(notes_to_messages(p.notes)) for p in getattr(data.split, part)]))
    print(f"{data_source}: {len(validation)} validation pieces; copied 8-gram rate {np.nanmean(real['copied_ngrams']):.3f}, "
          f"repeated 4-grams {np.nanmean(real['repeated_ngrams']):.3f}"); sys.stdout.flush()
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        pieces = [generate(model, composer=k, length=args.length, primers=primers, sampling=sampling_for(setting),
                           seed=5000 + 1000 * args.seed + i, jit_compile=True)[0].notes() for i, k in enumerate(composers)]
        table = metrics_table(pieces, index=index, beats=args.beats)
        r = roa(table, real)
        d = discriminability(pieces, validation, beats=args.beats)
        dq = discriminability(pieces, validation, beats=args.beats, ignore=('dynamics',))
        if args.style is not None:
            ds = discriminability(pieces, own, beats=args.beats)
            setting = dict(setting, style=args.style, auc_own=round(ds.auc, 3),
                           giveaways_own=[(s['feature'], round(s['generated'], 3), round(s['real'], 3), round(s['separation'], 2)) for s in ds.separating[:4]])
        if args.velocity_new is not None: setting = dict(setting, velocity_new=args.velocity_new)
        if args.recall_from is not None: setting = dict(setting, recall_from=args.recall_from)
        row = dict(setting, seed=args.seed, auc=round(d.auc, 3), auc_no_loudness=round(dq.auc, 3), roa=round(r.score, 3),
                   copied=round(float(np.nanmean(table['copied_ngrams'])), 3),
                   repeated_4grams=round(float(np.nanmean(table['repeated_ngrams'])), 3),
                   giveaways=[(s['feature'], round(s['generated'], 3), round(s['real'], 3), round(s['separation'], 2)) for s in d.separating[:4]],
                   watched={s['feature']: (round(s['generated'], 3), round(s['real'], 3)) for s in d.separating if s['feature'] in WATCHED},
                   weakest=sorted((round(o['ratio'], 2), m) for m, o in r.overlaps.items())[:3])
        if args.loops: row['loops'] = loop_shares([Tokenizer('grid').encode(notes_to_messages(p)) for p in pieces])
        print(json.dumps(row)); sys.stdout.flush()
        if args.out:
            with open(args.out, 'a') as f: f.write(json.dumps(dict(row, overlaps=r.overlaps), default=float) + '\n')

if __name__ == '__main__': main()
