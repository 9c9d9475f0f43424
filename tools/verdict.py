"""The verdict: the shipped model's music against held-out real music, beside the seed model and a
random-pitch control (issue: evaluation). Writes the generated MIDI, the table and a JSON record.

    python tools/verdict.py --seed-model RUN/seed/best.keras --out nbs/verdict

- held-out real: the validation and generation pieces of the shipped model's own split (never trained on)
- generated: N pieces of LENGTH messages with the shipped model (primers from the generation set, one
  composer after another, default sampling), and as many with the `seed` model (its sliding window, the same sampling)
- all cropped to the same number of beats; copied 8-gram rate against the training pieces"""
import argparse, json, time
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', help='the model to judge (default: the shipped one)')
    ap.add_argument('--seed-model', help="the design's seed model, trained the same way")
    ap.add_argument('--pieces', type=int, default=20)
    ap.add_argument('--length', type=int, default=1000)
    ap.add_argument('--first-seed', type=int, default=1000, help='piece i uses seed FIRST_SEED + i (another set of pieces: another value)')
    ap.add_argument('--beats', type=int, default=100, help='crop every piece to this many beats')
    ap.add_argument('--out', default='nbs/verdict')
    ap.add_argument('--data', default='../shared/data/piano-midi-de', help="the shipped model's training data (its split is rebuilt)")
    ap.add_argument('--temperature', type=float, help='of the pitch choice (default: the default sampling)')
    ap.add_argument('--top-p', type=float, help='of the pitch choice (default: the default sampling)')
    ap.add_argument('--real', default='validation+generation', choices=['validation', 'generation', 'validation+generation'],
                    help='which held-out pieces to compare with')
    args = ap.parse_args()
    from pianogen.generate import generate, load_model, load_primers, decode_sliding, Generated, Sampling, ASSETS
    from pianogen.tokens import build_dataset
    from pianogen.evaluate import evaluate, NgramIndex, piece_metrics
    out = Path(args.out); (out / 'lstm').mkdir(parents=True, exist_ok=True)
    card = json.loads((ASSETS / 'model.json').read_text())
    data = build_dataset(args.data, seed=0)
    if sorted(p.piece_id for p in data.split.generation) != sorted(card['generation_pieces']):
        raise SystemExit(f"{args.data}: its split differs from the shipped model's: not the data it was trained on")
    held_out = [p for part in args.real.split('+') for p in getattr(data.split, part)]
    index = NgramIndex(data.split.train, n=8)
    primers = load_primers()
    composers = [primers.composers[i % len(primers.composers)] for i in range(args.pieces)]
    sampling = Sampling.for_pitch(args.temperature, top_p=args.top_p)
    model = load_model(args.model)
    t = time.time(); ours = []
    for i, c in enumerate(composers):
        g = generate(model, composer=c, length=args.length, sampling=sampling, seed=args.first_seed + i, jit_compile=True)[0]
        g.save_midi(out / 'lstm' / f'{i:02d}-{c.split()[-1].lower()}.mid'); ours.append(g)
    secs = time.time() - t
    controls, seeds = {}, []
    if args.seed_model:
        (out / 'seed').mkdir(exist_ok=True)
        smodel = load_model(args.seed_model)
        t = time.time()
        starts = [primers.choose(c, np.random.default_rng(args.first_seed + i)) for i, c in enumerate(composers)]
        prim = np.stack([smodel.tokenizer.encode(m[-smodel.seq_len:].astype(np.int32)) for m, _, _, _ in starts])
        cond = composers if smodel.n_composers else None      # one batch, each piece with its own composer
        made = decode_sliding(smodel, prim, args.length, cond, sampling, seed=args.first_seed, progress=True)
        for i, ((m, c, pid, tempo), new) in enumerate(zip(starts, made)):
            g = Generated(np.concatenate([m[-smodel.seq_len:], smodel.tokenizer.decode(new)]), smodel.seq_len, tempo, c, pid, args.first_seed)
            g.save_midi(out / 'seed' / f'{i:02d}-{c.split()[-1].lower()}.mid'); seeds.append(g)
        print(f"seed model: {len(seeds)} pieces in {time.time() - t:.0f} s")
        controls['seed model'] = [g.notes() for g in seeds]
    lengths = [g.notes()['end'].max() / 480 for g in ours]
    print(f"shipped model: {len(ours)} pieces of {args.length} messages in {secs:.0f} s; {min(lengths):.0f}-{max(lengths):.0f} beats each")
    ev = evaluate([g.notes() for g in ours], held_out, controls=controls, index=index, beats=args.beats)
    unreleased = sum(piece_metrics(g.notes(), beats=args.beats)['unreleased'] for g in ours)
    table = ev.markdown()
    print(table); print(f"unreleased notes in the shipped model's pieces: {unreleased}")
    (out / 'table.md').write_text(table + '\n')
    (out / 'verdict.json').write_text(json.dumps(dict(ev.as_dict(), pieces=args.pieces, length=args.length, beats=args.beats,
        composers=composers, first_seed=args.first_seed, sampling=sampling.settings(), unreleased=int(unreleased),
        seconds_generating=secs, held_out=[p.piece_id for p in held_out]), indent=1, default=float))

if __name__ == '__main__': main()
