"""The verdict: can a classifier tell the shipped model's music from held-out real music? Beside it rOA, the copied
8-gram rate and well-formedness, for the shipped model, the previous shipped model (its stored pieces, OUT/previous), the design's `seed` model,
the random-pitch control, and real music against real music (issue: evaluation). Writes the generated MIDI, the tables and a JSON record.

    python tools/verdict.py --previous-data ../shared/data/piano-midi-de --out nbs/verdict \
        --earlier "shipped model, before (no penalty on clashes)=nbs/verdict/no-clash" \
        --earlier "first context-input model (14 epochs, its day's sampling)=nbs/verdict/first-context"
                                  # as run on 2026-12-03 (fifth time): the shipped model with the default sampling
                                  # of that day (clash 0.3); no-clash: the fourth verdict's pieces, the same model
                                  # without the clash penalty; the earlier models' pieces (first-context, previous,
                                  # seed) as stored
    python tools/verdict.py --reuse-pieces --out nbs/verdict ...    # every set of pieces as stored in OUT/lstm, OUT/previous, OUT/seed

- held-out real: the generation pieces of the shipped model's own split (never trained on, never tuned on; tuning
  uses --real validation), less those the previous shipped model trained on (--previous-data); real against real is
  its two random halves
- generated: N pieces of LENGTH messages with the shipped model (primers from the generation set, one composer after
  another, default sampling), written to OUT/lstm; the `seed` model's pieces are read from OUT/seed (its training run is
  gone; --seed-model FILE generates them again with its sliding window and the same sampling)
- every set read the same way, as MIDI through `clean_files` (sustain pedal folded into note lengths, as for the real
  pieces), cropped to the same number of beats; copied 8-gram rate against the training pieces
- discriminability: window features with gradient boosting, and piano rolls with a small conv net, 5-fold
  cross-validation grouped by piece (`pianogen.evaluate.discriminability`)"""
import argparse, json, os, time
from pathlib import Path
import numpy as np

def generate_pieces(args, composers, out):
    "The shipped model's pieces, written to OUT/lstm; seconds taken"
    from pianogen.generate import generate, load_for_generation, Sampling
    sampling = Sampling.for_pitch(args.temperature, top_p=args.top_p)
    model = load_for_generation(args.model)
    t = time.time()
    for i, c in enumerate(composers):
        g = generate(model, composer=c, length=args.length, sampling=sampling, seed=args.first_seed + i, jit_compile=True)[0]
        g.save_midi(out / f'{i:02d}-{c.split()[-1].lower()}.mid')
    return sampling.settings(), time.time() - t

def generate_seed_pieces(args, composers, out):
    "The `seed` model's pieces (its sliding window, the same sampling), written to OUT/seed"
    from pianogen.generate import load_for_generation, load_primers, decode_sliding, Generated, Sampling
    sampling = Sampling.for_pitch(args.temperature, top_p=args.top_p)
    smodel, primers = load_for_generation(args.seed_model), load_primers()
    starts = [primers.choose(c, np.random.default_rng(args.first_seed + i)).last(smodel.seq_len) for i, c in enumerate(composers)]
    prim = np.stack([smodel.tokenizer.encode(p.messages.astype(np.int32)) for p in starts])
    made = decode_sliding(smodel, prim, args.length, composers if smodel.n_composers else None, sampling, seed=args.first_seed, progress=True)
    for i, (p, new) in enumerate(zip(starts, made)):
        g = Generated(np.concatenate([p.messages, smodel.tokenizer.decode(new)]), len(p.messages), p.tempo, p.composer, p.piece_id, args.first_seed)
        g.save_midi(out / f'{i:02d}-{p.composer.split()[-1].lower()}.mid')

def read_pieces(folder):
    "Pieces of a folder of MIDI files, read as `pianogen evaluate` reads them"
    from pianogen.data import clean_files, midi_files
    pieces, failed = clean_files(midi_files(folder, must_exist=True), workers=1, progress=False)
    if failed or not pieces: raise SystemExit(f"{folder}: unreadable or no MIDI files: {failed}")
    return pieces

COLUMNS = {'features': 'features', 'features without dynamics': 'features, loudness left out',
           'roll': 'piano roll', 'roll without dynamics': 'piano roll, loudness left out'}

def headline(ev, names):
    "The verdict's first table: discriminability (both classifiers, with and without loudness), rOA, copied 8-gram rate, well-formedness"
    lines = ["| set | pieces | " + " | ".join(f"AUC, {v}" for v in COLUMNS.values()) + " | rOA | copied 8-grams | unreleased / orphan notes |",
             "|---|---|" + "---|" * len(COLUMNS) + "---|---|---|"]
    for s, label in names.items():
        d = ev.discriminability[s]
        auc = lambda c: f"**{d[c].auc:.2f}** [{d[c].interval[0]:.2f}, {d[c].interval[1]:.2f}]"
        table = ev.tables[s]
        copied = np.nanmean(table['copied_ngrams']) if 'copied_ngrams' in table else float('nan')
        bad = f"{int(np.nansum(table['unreleased']))} / {int(np.nansum(table['orphan_note_offs']))}"
        sides = [sum(p['side'] == side for p in d['features'].pieces) for side in ('generated', 'real')]
        lines.append(f"| {label} | {sides[0]} vs {sides[1]} | " + " | ".join(auc(c) for c in COLUMNS)
                     + f" | {ev.roa[s].score:.3f} | {copied:.3f} | {bad} |")
    return "\n".join(lines)

def giveaways(d, top=6):
    "What separates a set's windows from real ones, feature by feature, as a markdown list"
    return "\n".join(f"- {s['text']} (this feature alone: AUC {s['separation']:.2f})" for s in d.separating[:top])

def held_out_pieces(args, card):
    "The real pieces to judge against: the chosen held-out part of the shipped model's split, less any piece (or its twin in another collection) that the previous model trained on; and the training pieces of both"
    from pianogen.tokens import build_dataset
    data = build_dataset(args.data, seed=0)
    if sorted(p.piece_id for p in data.split.generation) != sorted(card['generation_pieces']):
        raise SystemExit(f"{args.data}: its split differs from the shipped model's: not the data it was trained on")
    held_out = [p for part in args.real.split('+') for p in getattr(data.split, part)]
    train = list(data.split.train)
    if args.previous_data:
        old = build_dataset(args.previous_data, seed=0)
        seen = {p.piece_id for p in old.split.train}
        seen |= {b for a, b, _ in data.shared if a in seen} | {a for a, b, _ in data.shared if b in seen}
        dropped = [p.piece_id for p in held_out if p.piece_id in seen]
        held_out = [p for p in held_out if p.piece_id not in seen]
        known = {p.piece_id for p in train}
        train += [p for p in old.split.train if p.piece_id not in known]
        print(f"held-out real: {len(held_out)} pieces ({len(dropped)} left out: the previous model trained on them)")
    return held_out, train

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', help='the model to judge (default: the shipped one)')
    ap.add_argument('--reuse-pieces', action='store_true', help="judge the shipped model's pieces stored in OUT/lstm instead of generating them again")
    ap.add_argument('--seed-model', help="the design's seed model: generate its pieces again (default: read them from --seed-pieces)")
    ap.add_argument('--seed-pieces', help="folder of the seed model's stored pieces (default: OUT/seed)")
    ap.add_argument('--previous-pieces', help="folder of the previous shipped model's stored pieces (default: OUT/previous, when it exists)")
    ap.add_argument('--previous-data', help="the previous shipped model's training data: held-out pieces it trained on are left out")
    ap.add_argument('--earlier', action='append', default=[], metavar='LABEL=FOLDER',
                    help="the stored pieces of another earlier model, judged beside the others (repeatable), e.g. "
                         "'first context model=nbs/verdict/first-context' (FOLDER relative to the working directory)")
    ap.add_argument('--pieces', type=int, default=20)
    ap.add_argument('--length', type=int, default=1000)
    ap.add_argument('--first-seed', type=int, default=1000, help='piece i uses seed FIRST_SEED + i (another set of pieces: another value)')
    ap.add_argument('--beats', type=int, default=100, help='crop every piece to this many beats')
    ap.add_argument('--out', default='nbs/verdict')
    ap.add_argument('--data', help="the shipped model's training data, whose split is rebuilt (default: the model card's source)")
    ap.add_argument('--temperature', type=float, help='of the pitch choice (default: the default sampling)')
    ap.add_argument('--top-p', type=float, help='of the pitch choice (default: the default sampling)')
    ap.add_argument('--real', default='generation', choices=['validation', 'generation', 'validation+generation'],
                    help='which held-out pieces to compare with (tuning uses validation; the verdict, generation)')
    args = ap.parse_args()
    from pianogen.generate import load_primers, ASSETS
    from pianogen.evaluate import evaluate, discriminability, random_pitch_control, NgramIndex
    out = Path(args.out); lstm_dir, seed_dir = out / 'lstm', Path(args.seed_pieces or out / 'seed')
    previous_dir = Path(args.previous_pieces or out / 'previous')
    card = json.loads((ASSETS / 'model.json').read_text())
    args.data = args.data or card['source']
    held_out, train = held_out_pieces(args, card)
    index = NgramIndex(train, n=8)
    primers = load_primers()
    composers = [primers.composers[i % len(primers.composers)] for i in range(args.pieces)]
    if args.reuse_pieces:
        sampling, secs, made = None, None, f'stored in {lstm_dir}, not generated again'
    else:
        lstm_dir.mkdir(parents=True, exist_ok=True)
        for f in lstm_dir.glob('*.mid'): f.unlink()
        sampling, secs = generate_pieces(args, composers, lstm_dir)
        made = f'generated again by this run ({secs:.0f} s), written to {lstm_dir}'
    if args.seed_model:
        seed_dir.mkdir(parents=True, exist_ok=True); generate_seed_pieces(args, composers, seed_dir)
        seed_made = f'generated again by this run from {args.seed_model}'
    else: seed_made = f'stored in {seed_dir} (its training run is gone; read, not generated)'
    ours, seeds = read_pieces(lstm_dir), read_pieces(seed_dir)
    controls = {'seed model': seeds}
    if previous_dir.is_dir(): controls = {'previous model': read_pieces(previous_dir), **controls}
    if any('=' not in e for e in args.earlier): raise SystemExit("--earlier: give LABEL=FOLDER")
    earlier = dict(e.split('=', 1) for e in args.earlier)
    controls = {**{label: read_pieces(folder) for label, folder in earlier.items()}, **controls}
    print(f"shipped model: {len(ours)} pieces ({made}); " + "; ".join(f"{k}: {len(v)} pieces" for k, v in controls.items())
          + f"; held-out real: {len(held_out)}")

    both = ('features', 'roll')
    ev = evaluate(ours, held_out, controls=controls, index=index, beats=args.beats, discriminate=both, progress=True)
    perm = np.random.default_rng(0).permutation(len(held_out))      # real against real: two halves of the held-out pieces
    half_a, half_b = [held_out[i] for i in perm[:len(perm) // 2]], [held_out[i] for i in perm[len(perm) // 2:]]
    halves = evaluate(half_a, half_b, random_control=False, index=index, beats=args.beats, discriminate=both)
    ev.roa['real vs real'], ev.discriminability['real vs real'] = halves.roa['generated'], halves.discriminability['generated']
    ev.tables['real vs real'] = halves.tables['generated']
    sets = {'generated': (ours, held_out), **{k: (v, held_out) for k, v in controls.items()},
            'random pitch': ([random_pitch_control(p, i) for i, p in enumerate(held_out)], held_out), 'real vs real': (half_a, half_b)}
    for s, (pieces, real) in sets.items():   # what else tells them apart, loudness left out
        for c in both:
            ev.discriminability[s][f'{c} without dynamics'] = discriminability(pieces, real, c, beats=args.beats, ignore=('dynamics',))
    label = f"shipped model ({card['kind']}, {card.get('data', {}).get('pieces', {}).get('train', '?')} training pieces)"
    names = {'generated': label, **{k: k for k in earlier}, 'previous model': 'previous shipped model', 'seed model': '`seed` model',
             'random pitch': 'random-pitch control', 'real vs real': 'real vs real (two halves)'}
    names = {k: v for k, v in names.items() if k in sets}
    seconds = ev.discriminability['generated']['features'].seconds
    ours_found = ev.discriminability['generated']
    table = "\n\n".join([
        headline(ev, names),
        f"AUC: how well a classifier tells a set's 8-beat windows from held-out real ones, cross-validated by piece "
        f"(0.5: it cannot; 1.0: it always can), with its 95% bootstrap interval over pieces; \"loudness left out\": without "
        f"the dynamics features, and piano rolls without velocities. Pieces cropped to {args.beats} beats. rOA: closeness "
        f"metric by metric (1.0: as close as real music is to itself).",
        "What gives the shipped model away, one feature at a time:\n\n" + giveaways(ours_found['features'], 3)
        + "\n\nand with loudness left out:\n\n" + giveaways(ours_found['features without dynamics'], 8),
        ev.markdown().split("\n\n", 1)[1]])
    print(table)
    print(f"feature classifier, {len(ours)} generated against {len(held_out)} real pieces: {seconds:.1f} s on {os.cpu_count()} cores")
    (out / 'table.md').write_text(table + '\n')
    (out / 'verdict.json').write_text(json.dumps(dict(ev.as_dict(), pieces=len(ours), length=args.length, beats=args.beats,
        composers=composers, first_seed=args.first_seed, sampling=sampling, lstm_pieces=made, seed_pieces=seed_made,
        previous_pieces=str(previous_dir) if 'previous model' in sets else None, data=args.data, previous_data=args.previous_data,
        real=args.real, unreleased=int(np.nansum(ev.tables['generated']['unreleased'])), seconds_generating=secs,
        seconds_feature_classifier=seconds, cores=os.cpu_count(), names=names,
        folders={'generated': os.path.relpath(lstm_dir, out), 'seed model': os.path.relpath(seed_dir, out),
                 **{k: os.path.relpath(f, out) for k, f in earlier.items()},
                 **({'previous model': os.path.relpath(previous_dir, out)} if 'previous model' in sets else {})},   # each model's pieces, from OUT
        held_out=[p.piece_id for p in held_out], real_halves=[[p.piece_id for p in half_a], [p.piece_id for p in half_b]]),
        indent=1, default=float))

if __name__ == '__main__': main()
