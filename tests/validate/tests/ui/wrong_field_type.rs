use std::collections::HashMap;

#[derive(protogate::Validate)]
struct Scalar {
    #[validate(string(min_len = 1))]
    count: i32,
}

#[derive(protogate::Validate)]
struct Number {
    #[validate(uint32(gt = 1))]
    count: Option<i64>,
}

#[derive(protogate::Validate)]
struct Items {
    #[validate(repeated(items(string(min_len = 1))))]
    ids: Vec<i32>,
}

#[derive(protogate::Validate)]
struct Keys {
    #[validate(map(keys(int32(gt = 0))))]
    labels: HashMap<String, String>,
}

#[derive(protogate::Validate)]
struct NotAList {
    #[validate(repeated(min_items = 1))]
    name: String,
}

#[derive(protogate::Validate)]
struct Nested {
    #[validate(repeated(items(repeated(min_items = 1))))]
    rows: Vec<Vec<i32>>,
}

#[derive(protogate::Validate)]
struct Wrapper {
    #[validate(int32(gt = 0))]
    name: Option<pbjson_types::StringValue>,
}

fn main() {}
