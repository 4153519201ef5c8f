//! A small, seeded generator of inputs for the property tests: valid seeds mutated by byte
//! flips, insertions, deletions, truncation and splicing (what a fuzzer does first).

/// xorshift64*: deterministic for a seed, no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is mapped to another value).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"%",
    b"%2F",
    b"%zz",
    b"/",
    b"//",
    b":",
    b"\"",
    b"\\u0000",
    b"{",
    b"}",
    b"[",
    b"]",
    b"null",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"\xf0\x9f\x98\x80",
    b"\xc3\xa9",
    b"=",
    b"&",
    b"+",
    b"\r\n",
    b"\x00\x00\x00\x00\x00",
    b"\x80\x00\x00\x00\x10",
    b"\x01\x00\x00\x00\x01",
    b"\x00\xff\xff\xff\xff",
];

/// A mutation of one of `seeds`.
pub fn mutate(rng: &mut Rng, seeds: &[&[u8]]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].to_vec();
    let steps = 1 + rng.below(6);
    for _ in 0..steps {
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = rng.next_u64() as u8;
            }
            2 => {
                let i = rng.below(data.len() + 1);
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(i..i, piece.iter().copied());
            }
            3 if !data.is_empty() => {
                let i = rng.below(data.len());
                let n = 1 + rng.below((data.len() - i).min(8));
                data.drain(i..i + n);
            }
            4 => {
                let len = data.len();
                data.truncate(rng.below(len + 1));
            }
            5 => {
                let other = seeds[rng.below(seeds.len())];
                let at = rng.below(data.len() + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            _ => {
                let n = rng.below(16);
                for _ in 0..n {
                    data.push(rng.next_u64() as u8);
                }
            }
        }
    }
    data
}
