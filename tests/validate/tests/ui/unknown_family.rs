#[derive(protogate::Validate)]
struct Request {
    #[validate(text(min_len = 1))]
    code: String,
}

fn main() {}
