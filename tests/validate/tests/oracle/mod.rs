//! Shared parts of the differential tests: the Python oracle process, a seeded RNG and pools of
//! boundary values.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python interpreter of the oracle venv, or `None` (the test is then skipped unless
/// `PROTOGATE_ORACLE_REQUIRED` is set, as `scripts/test.sh` sets it after installing the venv).
pub fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("PROTOGATE_ORACLE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/validate-oracle-venv/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    if std::env::var_os("PROTOGATE_ORACLE_REQUIRED").is_some() {
        panic!(
            "the oracle venv is missing at {}: run scripts/test.sh (or its validate-oracle step)",
            candidate.display()
        );
    }
    eprintln!(
        "skipped: no oracle venv at {} (scripts/test.sh installs it)",
        candidate.display()
    );
    None
}

/// One input for the oracle.
pub struct Input {
    /// `pgv` or `pv`.
    pub dialect: &'static str,
    /// The message's full proto name.
    pub message: String,
    /// The encoded message.
    pub bytes: Vec<u8>,
}

/// Runs the oracle over all inputs and returns one answer line per input.
pub fn ask(python: &PathBuf, inputs: &[Input]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("protogate-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("inputs.tsv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("inputs file"));
    for input in inputs {
        writeln!(
            file,
            "{}\t{}\t{}",
            input.dialect,
            input.message,
            base64::engine::general_purpose::STANDARD.encode(&input.bytes)
        )
        .expect("write input");
    }
    drop(file);
    let script = root().join("tests/validate/pgv_oracle.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(root())
        .arg(&path)
        .output()
        .expect("run the oracle");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<String> = String::from_utf8(output.stdout)
        .expect("utf-8 answers")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(answers.len(), inputs.len(), "one answer per input");
    answers
}

/// xorshift64*: small, seeded, reproducible (the seed is printed).
pub struct Rng(u64);

impl Rng {
    /// From `PROTOGATE_DIFF_SEED` or the clock.
    pub fn from_env() -> Rng {
        let seed = std::env::var("PROTOGATE_DIFF_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("differential seed: PROTOGATE_DIFF_SEED={seed}");
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// Strings around the bounds and formats the test schemas use.
pub const STRINGS: &[&str] = &[
    "",
    "a",
    "ab",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "é",
    "éé",
    "e\u{301}",
    "e\u{301}e\u{301}",
    "👍",
    "👍🏽",
    "👨\u{200d}👩\u{200d}👧",
    "١٢",
    "x\n",
    "\n",
    "\0",
    " ",
    "a b",
    "a\tb",
    "a\rb",
    "+41791234567",
    "+4",
    "+",
    "foo.com",
    "a@b.com",
    "a..b",
    "user@example.com",
    "User <user@example.com>",
    "user@example.com (c)",
    "\"q\"@example.com",
    "a@-b.com",
    "example.com",
    "Example.COM.",
    "-bad.com",
    "a.b-c.d",
    "a_b.com",
    "\u{212a}.com",
    "1.2.3.4",
    "01.2.3.4",
    "256.1.1.1",
    "1.2.3",
    "::1",
    "::",
    "::ffff:1.2.3.4",
    "fe80::1%eth0",
    "2001:db8::1",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "1::2::3",
    "12345::",
    "[::1]",
    "http://example.com",
    "http://example.com/path",
    "https://a.b/c?d#e",
    "/relative",
    "a:b",
    ":foo",
    "mailto:x@y.z",
    "http://a b",
    "%zz",
    "http://[::1]:80/x",
    "http://h:port/",
    "123e4567-e89b-12d3-a456-426614174000",
    "123E4567-E89B-12D3-A456-426614174000",
    "123e4567e89b12d3a456426614174000",
    "{123e4567-e89b-12d3-a456-426614174000}",
    "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
    "X-Foo",
    ":authority",
    "X Foo",
    "a,b",
    "x",
    "y",
    "bc",
    "a1",
    "a12",
    "12",
    "1 2",
    "a 12",
    "é 12",
    "a-b",
    "a-",
    "Ab",
    "zz",
    "az",
    "aaaaaaaa",
    "aaaaaaaaa",
    "abc\n",
    "ab\u{0}",
    "a\u{7f}",
];

const ALPHABET: &[char] = &[
    'a', 'b', 'c', 'z', 'A', '0', '1', '9', '-', '.', '@', ':', '/', '%', '+', ' ', '\n', '\t',
    'é', '\u{301}', '👍', '\u{200d}', '١', '_', '[', ']', '\0', 'x', 'y', 'K', '\u{212a}',
];

/// A boundary string or a random one.
pub fn string(rng: &mut Rng) -> String {
    if rng.one_in(2) {
        return rng.pick(STRINGS).to_string();
    }
    let len = rng.below(9);
    (0..len).map(|_| *rng.pick(ALPHABET)).collect()
}

/// Signed integers around the bounds the schemas use.
pub fn int(rng: &mut Rng) -> i64 {
    const POOL: &[i64] = &[
        0,
        1,
        -1,
        2,
        3,
        4,
        5,
        6,
        7,
        9,
        10,
        11,
        12,
        -2,
        -3,
        -4,
        -5,
        -6,
        99,
        100,
        101,
        i32::MIN as i64,
        i32::MAX as i64,
        i64::MIN,
        i64::MAX,
    ];
    if rng.one_in(3) {
        (rng.next() as i64) >> rng.below(63)
    } else {
        *rng.pick(POOL)
    }
}

/// Doubles around the bounds, with NaN, infinities and signed zeros.
pub fn double(rng: &mut Rng) -> f64 {
    const POOL: &[f64] = &[
        0.0,
        -0.0,
        0.5,
        1.5,
        2.5,
        1.0,
        -1.0,
        0.4999999999,
        0.5000001,
        1.4999999,
        1.5000001,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        1e300,
        -1e-300,
    ];
    if rng.one_in(3) {
        (rng.next() % 4000) as f64 / 1000.0 - 1.0
    } else {
        *rng.pick(POOL)
    }
}

/// Bytes around the bounds, including IP-sized values and invalid UTF-8.
pub fn bytes(rng: &mut Rng) -> Vec<u8> {
    const MAPPED: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4];
    const V6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let pool: [&[u8]; 16] = [
        b"",
        b"\x01",
        b"\x01a",
        b"ab",
        b"xaby",
        &[1, 2, 3, 4],
        &V6,
        &MAPPED,
        b"a",
        b"\x00\x01",
        b"abc",
        b"abcd",
        b"abcde",
        b"ABC",
        &[0xff, 0x61],
        b"ab\n",
    ];
    if rng.one_in(2) {
        return rng.pick(&pool).to_vec();
    }
    let len = rng.below(7);
    (0..len).map(|_| *rng.pick(b"ab\x00\x01\xffz\n")).collect()
}
