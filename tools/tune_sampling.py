"""Choose the default sampling on the validation pieces: rOA, copied 8-gram rate and loops for a grid of settings.

    python tools/tune_sampling.py --grid "R=3,4;time_T=1.05,1.1;pitch_T=0.8,0.85,0.9;pitch_p=0.9,0.95"

For each setting, N pieces of 1000 messages from the shipped model (primers from its generation set, seeds
5000.. so that they differ from the verdict's) are measured against the split's *validation* pieces only;
the verdict (tools/verdict.py) then judges the chosen default against validation + generation pieces.
Grid keys: on_T, on_p, time_T, time_p, pitch_T, pitch_p (temperature and top-p per field), R (max_repeats).
`--loops` also prints, for real and generated music, the share of messages inside runs where one figure of
up to 16 messages is played k times or more in a row (the numbers quoted in 04_generate)."""
import argparse, itertools, json, sys
from pathlib import Path
import numpy as np

def loop_shares(token_arrays, ks=(2, 3, 4, 6, 8)):
    "Share of messages inside a figure (up to 16 messages) played k times or more in a row, for each k"
    from pianogen.evaluate import figure_repeats
    c = np.concatenate([figure_repeats(t) for t in token_arrays])
    return {k: round(float((c >= k).mean()), 4) for k in ks}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', help='default: the shipped one')
    ap.add_argument('--data', default='../shared/data/piano-midi-de', help="the shipped model's training data")
    ap.add_argument('--pieces', type=int, default=40)
    ap.add_argument('--grid', default='R=3;time_T=1.05,1.1;pitch_T=0.8,0.85,0.9;pitch_p=0.9,0.95')
    ap.add_argument('--loops', action='store_true', help='also count loops in real and generated music')
    ap.add_argument('--out', help='append one JSON line per setting to this file')
    args = ap.parse_args()
    from pianogen.generate import generate, load_for_generation, load_primers, Sampling
    from pianogen.tokens import build_dataset, Tokenizer
    from pianogen.data import notes_to_messages
    from pianogen.evaluate import NgramIndex, metrics_table, roa
    data = build_dataset(args.data, seed=0)
    index = NgramIndex(data.split.train, n=8)
    real = metrics_table(data.split.validation, index=index, beats=100)
    primers, model = load_primers(), load_for_generation(args.model)
    composers = [primers.composers[i % len(primers.composers)] for i in range(args.pieces)]
    grid = {k: [float(x) for x in v.split(',')] for k, v in (kv.split('=') for kv in args.grid.split(';'))}
    tok = Tokenizer('grid')
    if args.loops:
        for part in ('train', 'validation'):
            print(f"real ({part}): share of messages in loops played >= k times:",
                  loop_shares([tok.encode(notes_to_messages(p.notes)) for p in getattr(data.split, part)]))
    print(f"real (validation): copied 8-gram rate {np.nanmean(real['copied_ngrams']):.3f}, "
          f"repeated 4-grams {np.nanmean(real['repeated_ngrams']):.3f}")
    for values in itertools.product(*grid.values()):
        c = dict(zip(grid, values))
        fields = ('on', 'time', 'pitch')
        sampling = Sampling(temperature={f: c[f'{f}_T'] for f in fields if f'{f}_T' in c},
                            top_p={f: c[f'{f}_p'] for f in fields if f'{f}_p' in c},
                            **({'max_repeats': int(c['R'])} if 'R' in c else {}))
        pieces = [generate(model, composer=k, length=1000, sampling=sampling, seed=5000 + i, jit_compile=True)[0]
                  for i, k in enumerate(composers)]
        table = metrics_table([g.notes() for g in pieces], index=index, beats=100)
        r = roa(table, real)
        row = dict(c, roa=round(r.score, 3), copied=round(float(np.nanmean(table['copied_ngrams'])), 3),
                   repeated_4grams=round(float(np.nanmean(table['repeated_ngrams'])), 3),
                   weakest=sorted((round(o['ratio'], 2), m) for m, o in r.overlaps.items())[:3])
        if args.loops: row['loops'] = loop_shares([tok.encode(g.messages[g.primer_length:]) for g in pieces])
        print(json.dumps(row)); sys.stdout.flush()
        if args.out:
            with open(args.out, 'a') as f: f.write(json.dumps(dict(row, overlaps=r.overlaps), default=float) + '\n')

if __name__ == '__main__': main()
