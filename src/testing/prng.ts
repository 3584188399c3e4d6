// A tiny seeded PRNG (mulberry32). The emulator draws generated ids and fault probabilities
// from it, so a run with the same seed and the same requests is reproducible byte for byte.
// Not for cryptography: it only has to be deterministic and evenly spread.

export type Random = () => number;

/** Returns a function yielding floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random bytes as lower-case hex (2n characters). */
export function randomHex(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}

/** An RFC 4122 version-4 shaped UUID drawn from `random`. */
export function randomUuid(random: Random): string {
  const h = randomHex(random, 16).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16] ?? '0', 16) & 3] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
