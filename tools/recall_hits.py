"""How well a piece's own past predicts its next message: the measurement behind a recall mechanism for decoding.

    python tools/recall_hits.py              # validation pieces and the shipped model's pieces, k = 4
    python tools/recall_hits.py --k 3 6 8

For every message after the first `--skip` of a piece, find the latest earlier place where the last k messages had
the same shape (on/off, time and the pitch step from the message before: transposition-invariant) within the last
`--span` messages, and propose what followed there, transposed to here: what `pianogen.sampling.recall_proposal`, the
search decoding uses, proposes. Prints how often there is a proposal, how often it is the message that really comes
next, and how far back the right ones look (beyond what the shipped model reads?). Real pieces are the split's *validation* pieces; generated ones continue primers
cut from them, as `tools/tune_sampling.py` makes them. Nothing here looks at the held-out pieces."""
import argparse
import numpy as np

def proposals(tokens, k, span, skip, batch=256):
    "For each message after `skip`: (proposed?, right?, how far back the match ended), by `pianogen.sampling.recall_proposal`"
    from pianogen.sampling import message_keys, recall_proposal
    keys = message_keys(np.asarray(tokens, np.int64)).astype(np.int32)
    padded = np.r_[-1 - np.arange(span)[::-1], keys].astype(np.int32)     # distinct negative fillers: no message
    ends = np.arange(max(skip, k), len(tokens) - 1)                    # propose message t + 1 from messages up to t
    out = []
    for i in range(0, len(ends), batch):
        t = ends[i:i + batch]
        past = padded[t[:, None] + 1 + np.arange(span)[None]]          # the last `span` messages up to t, oldest first
        proposed, found, back = (x.numpy() for x in recall_proposal(past, k, nearest=1))
        right = found & (proposed == np.asarray(tokens, np.int64)[t + 1, :3]).all(1)
        out.append(np.stack([found, right, np.where(found, back, 0)], 1))
    return np.concatenate(out).astype(np.int64) if out else np.zeros((0, 3), np.int64)

def report(name, token_arrays, args):
    for k in args.k:
        r = np.concatenate([proposals(t, k, args.span, args.skip) for t in token_arrays])
        made, right = r[:, 0] == 1, r[:, 1] == 1
        far = (r[:, 2] > args.reads) & right
        print(f"{name}, k={k}: a proposal for {made.mean():.3f} of messages, right {right.sum() / max(made.sum(), 1):.3f} "
              f"of the time ({right.mean():.3f} of messages; {far.sum() / max(right.sum(), 1):.3f} of the right ones from over {args.reads} messages back)", flush=True)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--k', type=int, nargs='+', default=[4], help='messages that must match')
    ap.add_argument('--span', type=int, default=1024, help='messages of the past searched')
    ap.add_argument('--skip', type=int, help="messages of each piece not predicted (default: the primer's length, what the model reads)")
    ap.add_argument('--length', type=int, default=1300, help='messages of each real piece read; generated pieces are the primer + 1000')
    ap.add_argument('--pieces', type=int, default=24)
    args = ap.parse_args()
    from pianogen.generate import generate, load_for_generation, model_card, Primers
    from pianogen.tokens import build_dataset
    from pianogen.data import notes_to_messages
    model = load_for_generation(None)
    args.reads = model.seq_len                                        # how far back the model itself reads
    if args.skip is None: args.skip = model.seq_len
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
