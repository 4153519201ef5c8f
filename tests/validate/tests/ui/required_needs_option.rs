#[derive(protogate::Validate)]
struct Inner {}

#[derive(protogate::Validate)]
struct Request {
    #[validate(message(required))]
    inner: Inner,
}

fn main() {}
