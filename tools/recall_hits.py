"""How well a piece's own past predicts its next message: the measurement behind a recall mechanism for decoding.

    python tools/recall_hits.py              # validation pieces and the shipped model's pieces, k = 4
    python tools/recall_hits.py --k 3 6 8 --exact

For every message after the first `--skip` of a piece, find the latest earlier place where the last k messages had
the same shape (on/off, time and the pitch step from the message before: transposition-invariant; `--exact`: the same
messages) within the last `--span` messages, and propose what followed there, transposed to here. Prints how often
there is a proposal, how often it is the message that really comes next, and how far back the right ones look (the
shipped model reads 300 messages). Real pieces are the split's *validation* pieces; generated ones continue primers
cut from them, as `tools/tune_sampling.py` makes them. Nothing here looks at the held-out pieces."""
import argparse
import numpy as np

def proposals(tokens, k, span, skip, relative=True):
    "For each message after `skip`: (proposed?, right?, how far back the match ended)"
    pitch, rest = tokens[:, 0].astype(np.int64), tokens[:, 1].astype(np.int64) + 2 * tokens[:, 2].astype(np.int64)
    key = np.r_[-1, rest[1:] * 1000 + pitch[1:] - pitch[:-1]] if relative else rest * 88 + pitch
    out = []
    for t in range(max(skip, k), len(tokens) - 1):    # propose message t + 1 from messages up to t
        last, lo = key[t - k + 1:t + 1], max(k, t - span + 1)
        ends = [e for e in range(t - 1, lo - 1, -1) if np.array_equal(key[e - k + 1:e + 1], last)]
        if not ends: out.append((False, False, 0)); continue
        e = ends[0]
        p = pitch[t] + pitch[e + 1] - pitch[e] if relative else pitch[e + 1]
        out.append((True, bool(rest[e + 1] == rest[t + 1] and p == pitch[t + 1]), t - e))
    return np.array(out, np.int64).reshape(-1, 3)

def report(name, token_arrays, args):
    for k in args.k:
        r = np.concatenate([proposals(t, k, args.span, args.skip, not args.exact) for t in token_arrays])
        made, right = r[:, 0] == 1, r[:, 1] == 1
        far = (r[:, 2] > 300) & right
        print(f"{name}, k={k}: a proposal for {made.mean():.3f} of messages, right {right.sum() / max(made.sum(), 1):.3f} "
              f"of the time ({right.mean():.3f} of messages; {far.sum() / max(right.sum(), 1):.3f} of the right ones from over 300 messages back)", flush=True)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--k', type=int, nargs='+', default=[4], help='messages that must match')
    ap.add_argument('--span', type=int, default=1024, help='messages of the past searched')
    ap.add_argument('--skip', type=int, default=300, help="messages of each piece not predicted (the primer's length)")
    ap.add_argument('--length', type=int, default=1300, help='messages of each real piece read; generated pieces are the primer + 1000')
    ap.add_argument('--pieces', type=int, default=24)
    ap.add_argument('--exact', action='store_true', help='match and propose the same messages, not the same shape')
    args = ap.parse_args()
    from pianogen.generate import generate, load_for_generation, model_card, Primers
    from pianogen.tokens import build_dataset
    from pianogen.data import notes_to_messages
    model = load_for_generation(None)
    validation = build_dataset(model_card(None)['source'], seed=0).split.validation
    tok = model.tokenizer
    report('real (validation)', [tok.encode(notes_to_messages(p.notes))[:args.length] for p in validation[:args.pieces]], args)
    primers = Primers.from_pieces(validation, length=model.seq_len, per_piece=1, seed=0)
    made = []
    for i in range(args.pieces):
        g = generate(model, composer=primers.composers[i % len(primers.composers)], length=1000, primers=primers, seed=5000 + i, jit_compile=True)[0]
        made.append(tok.encode(notes_to_messages(g.notes(include_primer=True))))
    report('shipped model (default sampling)', made, args)

if __name__ == '__main__': main()
