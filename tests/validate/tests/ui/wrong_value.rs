#[derive(protogate::Validate)]
struct Request {
    #[validate(string(max_len = "200"))]
    code: String,
}

fn main() {}
