"""Generation speed with the shipped model: cached incremental decoding vs the design's sliding window.

Both sides in one process, same model, same primer:
- ours: `pianogen.decoding.Decoder` (prefill + cached steps, compiled with tf.function and XLA),
  one 1000-message piece, timed warm (after one compiling call), and a batch of 16 pieces;
- the original approach: `decode_sliding`, the whole 150-message window recomputed for every
  message (itself compiled with tf.function, so this baseline is faster than the founding code,
  which called model.predict once per message). Its cost per message is constant once the window
  is full, so it is timed over --sliding-messages messages and the rate compared.

Goals: >= 50x faster than sliding, >= 1000 messages/s for one piece on 2 cores.
Run: python benchmarks/bench_generate.py"""
import argparse, time
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', help='a .keras model (default: the shipped one)')
    ap.add_argument('--length', type=int, default=1000)
    ap.add_argument('--sliding-messages', type=int, default=100)
    ap.add_argument('--batch', type=int, default=16)
    args = ap.parse_args()
    from pianogen.generate import load_for_generation, load_primers
    from pianogen.decoding import decoder_for, decode_sliding
    from pianogen.sampling import Sampling
    model, primers = load_for_generation(args.model), load_primers()
    chosen = primers.choose('chopin', np.random.default_rng(0)).last(model.seq_len)
    composer, pid, bar = chosen.composer, chosen.piece_id, np.array([chosen.bar])
    primer = model.tokenizer.encode(chosen.messages)[None]
    cond = composer if model.n_composers else None
    dec = decoder_for(model)
    t = time.perf_counter(); dec(primer, args.length, cond, seed=0, bar=bar); first = time.perf_counter() - t
    t = time.perf_counter(); dec(primer, args.length, cond, seed=1, bar=bar); warm = time.perf_counter() - t
    batch, bars = np.repeat(primer, args.batch, 0), np.repeat(bar, args.batch, 0)
    dec(batch, 150, cond, seed=2, bar=bars)                                    # compile for this batch size
    t = time.perf_counter(); dec(batch, args.length, cond, seed=3, bar=bars); batched = time.perf_counter() - t
    plain = decoder_for(model, jit_compile=False)
    plain(primer, 100, cond, seed=0, bar=bar)
    t = time.perf_counter(); plain(primer, args.length, cond, seed=1, bar=bar); nojit = time.perf_counter() - t
    decode_sliding(model, primer, 3, cond, Sampling(), seed=0, bar=bar)      # compile
    t = time.perf_counter(); decode_sliding(model, primer, args.sliding_messages, cond, Sampling(), seed=1, bar=bar)
    sliding_rate = args.sliding_messages / (time.perf_counter() - t)
    rate = args.length / warm
    print(f"model: {model.kind}, {model.count_params():,} parameters; primer {pid} ({composer})")
    print(f"{'decoding':52s} {'seconds':>8s} {'messages/s':>11s}")
    print(f"{'incremental, XLA, one piece, first call (compiles)':52s} {first:8.2f} {args.length / first:11,.0f}")
    print(f"{'incremental, XLA, one piece, warm':52s} {warm:8.2f} {rate:11,.0f}")
    print(f"{'incremental, no XLA, one piece, warm':52s} {nojit:8.2f} {args.length / nojit:11,.0f}")
    print(f"{f'incremental, XLA, batch of {args.batch} pieces, warm':52s} {batched:8.2f} {args.batch * args.length / batched:11,.0f}")
    print(f"{f'sliding window (the design), {args.sliding_messages} messages':52s} {args.sliding_messages / sliding_rate:8.2f} {sliding_rate:11,.1f}")
    print(f"ratio incremental / sliding, one piece: {rate / sliding_rate:,.0f}x (goal >= 50x)")
    print(f"one piece >= 1000 messages/s: {'met' if rate >= 1000 else 'MISSED'}")

if __name__ == '__main__': main()
