#[derive(protogate::Validate)]
struct Request {
    #[validate(string(pattern = "(?=lookahead)"))]
    code: String,
}

fn main() {}
