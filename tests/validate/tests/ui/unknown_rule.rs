#[derive(protogate::Validate)]
struct Request {
    #[validate(string(min_length = 1))]
    code: String,
}

fn main() {}
