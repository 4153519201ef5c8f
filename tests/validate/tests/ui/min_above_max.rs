#[derive(protogate::Validate)]
struct Request {
    #[validate(string(min_len = 10, max_len = 2))]
    code: String,
}

fn main() {}
