use std::collections::HashMap;

#[derive(protogate::Validate)]
struct Pairs {
    #[validate(map(min_pairs = 3, max_pairs = 1))]
    a: HashMap<String, String>,
}

#[derive(protogate::Validate)]
struct ItemLengths {
    #[validate(repeated(items(string(min_len = 5, max_len = 1))))]
    a: Vec<String>,
}

#[derive(protogate::Validate)]
struct InAndNotIn {
    #[validate(int32(in = [1], not_in = [2]))]
    a: i32,
}

#[derive(protogate::Validate)]
struct LenAndBounds {
    #[validate(bytes(len = 4, max_len = 8))]
    a: Vec<u8>,
}

#[derive(protogate::Validate)]
struct LongPrefix {
    #[validate(string(max_len = 2, prefix = "abc"))]
    a: String,
}

#[derive(protogate::Validate)]
struct NowAndBound {
    #[validate(timestamp(gt = "2020-01-01T00:00:00Z", lt_now))]
    a: Option<Ts>,
}

#[derive(protogate::Validate)]
struct RequiredItems {
    #[validate(repeated(items(message(required))))]
    a: Vec<Ts>,
}

#[derive(protogate::Validate)]
struct TwoLowerBounds {
    #[validate(int64(gt = 1, gte = 2))]
    a: i64,
}

#[derive(protogate::Validate)]
struct BeforeAndAfterNow {
    #[validate(timestamp(lt_now, gt_now))]
    a: Option<Ts>,
}

#[derive(protogate::Validate)]
struct LongBytesConst {
    #[validate(bytes(len = 2, r#const = b"abc"))]
    a: Vec<u8>,
}

#[derive(protogate::Validate)]
struct NoIntegerBetween {
    #[validate(uint32(gt = 4, lt = 5))]
    a: u32,
}

#[derive(protogate::Validate)]
struct StrictAlone {
    #[validate(string(strict = false))]
    a: String,
}

struct Ts {
    seconds: i64,
    nanos: i32,
}

fn main() {}
