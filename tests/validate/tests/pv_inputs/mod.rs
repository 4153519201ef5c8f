//! Inputs for the protovalidate differential test: strings around the edges of the format
//! rules, and generators of field values (some fixed values, the rest random).

use protogate_validate_test::pvcases as c;

use super::oracle::{double, int, string, Rng};

/// Strings for the format rules, around their edges.
pub const FORMATS: &[&str] = &[
    "01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "01arz3ndektsv4rrffq69g5fav",
    "81ARZ3NDEKTSV4RRFFQ69G5FAV",
    "01ARZ3NDEKTSV4RRFFQ69G5FAI",
    "01ARZ3NDEKTSV4RRFFQ69G5FA",
    "123e4567e89b12d3a456426614174000",
    "123e4567e89b12d3a45642661417400g",
    "foo.bar",
    "foo.Bar_1",
    ".foo.bar",
    "foo..bar",
    "1foo",
    "_a._b",
    "foo.",
    "example.com:80",
    "example.com:080",
    "example.com:65535",
    "example.com:65536",
    "example.com:",
    "1.2.3.4:0",
    "[::1]:443",
    "[::1]",
    "[fe80::1%eth0]:8080",
    "fe80::1%a\0b",
    "::1:80",
    "a:1:2",
    "10.0.0.0/8",
    "10.0.0.1/8",
    "10.0.0.0/08",
    "10.0.0.0/33",
    "10.0.0.0/",
    "2001:db8::/32",
    "2001:db8::1/32",
    "2001:db8::/129",
    "::/0",
    "0.0.0.0/0",
    "fe80::%eth0/64",
    "http://example.com",
    "http://[fe80::1%25eth0]/",
    "http://[fe80::1%eth0]/",
    "http://[v1.fe]/",
    "http://[::1]:80/x",
    "http://%ff/",
    "http://%c3%a9/",
    "http://user:pw@host:8080/p?q=1#f",
    "http://a/%zz",
    "http://a/b c",
    "http://a/é",
    "urn:isbn:0451450523",
    "foo:",
    "//host/path",
    "./a:b",
    "a:b:c",
    "?q",
    "#f",
    "http://a:/",
    "http://a:x/",
    "http://a@b@c/",
    "x@y",
    "a.b+c@example.com",
    "a@b_c.com",
    "a@b.c.",
    "@b.com",
    "a@",
    "a@1.2.3.4",
    "a@[1.2.3.4]",
    "localhost",
    "a.1",
    "1.a",
    "a-.com",
    "xn--bcher-kva.example",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o",
    "0:0:0:0:0:0:0:0",
    "::ffff:1.2.3.4",
    "::ffff:01.2.3.4",
    "1.2.3.04",
    "0.0.0.0",
    "255.255.255.255",
    "1::",
    "1:2:3:4:5:6:7:8:9",
    "a,b",
    "x-y~z",
    ":path",
    "a\u{80}",
    "a\u{1}b",
    "\u{7f}",
];

pub fn format_string(rng: &mut Rng) -> String {
    if rng.one_in(2) {
        rng.pick(FORMATS).to_string()
    } else {
        string(rng)
    }
}

pub fn list<T>(rng: &mut Rng, f: impl Fn(&mut Rng) -> T) -> Vec<T> {
    let n = rng.below(5);
    (0..n).map(|_| f(rng)).collect()
}

/// One of `fixed` or a random value, each with equal chance.
pub fn either<T: Clone>(r: &mut Rng, fixed: &[T], f: impl Fn(&mut Rng) -> T) -> T {
    let i = r.below(fixed.len() + 1);
    match fixed.get(i) {
        Some(v) => v.clone(),
        None => f(r),
    }
}

pub fn some<T>(rng: &mut Rng, f: impl Fn(&mut Rng) -> T) -> Option<T> {
    if rng.one_in(3) {
        None
    } else {
        Some(f(rng))
    }
}

pub fn leaf(rng: &mut Rng) -> c::Leaf {
    c::Leaf {
        name: string(rng),
        n: int(rng) as i32,
    }
}

pub fn color(rng: &mut Rng) -> i32 {
    *rng.pick(&[0, 1, 2, 3, 5, -1, 100])
}

pub fn duration(rng: &mut Rng) -> pbjson_types::Duration {
    let seconds = *rng.pick(&[0, 1, 2, 3, 5, 10, 11, -1, -2, -5, 100]);
    let nanos = *rng.pick(&[0, 0, 1000, 500_000_000, 999_999_999]);
    // Valid durations only: seconds and nanos of one sign.
    let nanos = if seconds < 0 { -nanos } else { nanos };
    pbjson_types::Duration { seconds, nanos }
}

/// A timestamp at least five minutes away from now and from now ± 1 h, so both sides (the
/// oracle reads the clock later) are on the same side of every bound.
pub fn timestamp(rng: &mut Rng) -> protogate::wkt::Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if rng.one_in(3) {
        let (seconds, nanos) = *rng.pick(&[
            (0, 0),
            (-1, 999_999_999),
            (1000, 0),
            (1001, 0),
            (1_700_000_000, 120_000_000),
            (1_700_000_000, 0),
            (4_102_444_799, 999_999_999),
            (4_102_444_800, 0),
        ]);
        return protogate::wkt::Timestamp { seconds, nanos };
    }
    loop {
        let offset = rng.below(6 * 3600) as i64 - 3 * 3600;
        if [0, 3600, -3600].iter().all(|b| (offset - b).abs() > 300) {
            return protogate::wkt::Timestamp {
                seconds: now + offset,
                nanos: 0,
            };
        }
    }
}

pub fn float(rng: &mut Rng) -> f32 {
    if rng.one_in(4) {
        *rng.pick(&[
            0.1f32,
            1.5,
            -0.0,
            10.25,
            0.5,
            0.49999997,
            3.4e38,
            f32::MIN_POSITIVE,
        ])
    } else {
        double(rng) as f32
    }
}

pub fn mask(rng: &mut Rng) -> protogate::wkt::FieldMask {
    protogate::wkt::FieldMask {
        paths: list(rng, |r| {
            r.pick(&[
                "a", "b", "b.c", "b.c.d", "b.cd", "a.x", "secret", "secret.x", "secrets", "",
            ])
            .to_string()
        }),
    }
}

pub fn any(rng: &mut Rng) -> protogate::wkt::Any {
    protogate::wkt::Any {
        type_url: rng
            .pick(&[
                "type.googleapis.com/pvcases.Leaf",
                "type.googleapis.com/pvcases.Other",
                "",
            ])
            .to_string(),
        value: Vec::new().into(),
    }
}
