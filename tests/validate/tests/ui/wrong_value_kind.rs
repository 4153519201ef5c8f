#[derive(protogate::Validate)]
struct Text {
    #[validate(int32(gt = "5"))]
    a: i32,
}

#[derive(protogate::Validate)]
struct Fraction {
    #[validate(int64(in = [1, 2.5]))]
    a: i64,
}

#[derive(protogate::Validate)]
struct Negative {
    #[validate(uint32(gte = -1))]
    a: u32,
}

#[derive(protogate::Validate)]
struct NotAList {
    #[validate(string(not_in = "x"))]
    a: String,
}

#[derive(protogate::Validate)]
struct EnumType {
    #[validate(enum(defined_only))]
    a: i32,
}

#[derive(protogate::Validate)]
struct Seconds {
    #[validate(duration(gt = 5))]
    a: Option<Duration>,
}

#[derive(protogate::Validate)]
struct Days {
    #[validate(duration(lt = "2d"))]
    a: Option<Duration>,
}

#[derive(protogate::Validate)]
struct Date {
    #[validate(timestamp(gt = "2023-02-30T00:00:00Z"))]
    a: Option<Duration>,
}

#[derive(protogate::Validate)]
struct Items {
    #[validate(repeated(items = 1))]
    a: Vec<i32>,
}

#[derive(protogate::Validate)]
struct NotANumber {
    #[validate(double(gt = f64::NAN))]
    a: f64,
}

struct Duration {
    seconds: i64,
    nanos: i32,
}

fn main() {}
