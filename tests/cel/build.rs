//! Compiles every expression of `cases/*.txt` with protogate-cel into a Rust function over the
//! test variables (`src/lib.rs`, `Vars`), so the tests run real generated code.

use std::fmt::Write as _;
use std::path::Path;

use proc_macro2::TokenStream;
use protogate_cel::{compile, Env, Field, Presence, ResultKind, Type, Variable};
use quote::{format_ident, quote};

/// The variables of the differential cases (the oracle declares the same) and `this`, a
/// `test.Msg`, for the protogate-only cases.
struct TestEnv;

impl Env for TestEnv {
    fn variable(&self, name: &str) -> Option<Variable> {
        let (ty, tokens) = match name {
            "i" => (Type::Int, quote!(v.i)),
            "n" => (Type::Int, quote!(v.n)),
            "big" => (Type::Int, quote!(v.big)),
            "u" => (Type::Uint, quote!(v.u)),
            "d" => (Type::Double, quote!(v.d)),
            "flag" => (Type::Bool, quote!(v.flag)),
            "s" => (Type::String, quote!(v.s.as_str())),
            "e" => (Type::String, quote!(v.e.as_str())),
            "b" => (Type::Bytes, quote!(v.b.as_slice())),
            "l" => (Type::list(Type::Int), quote!(&v.l)),
            "lu" => (Type::list(Type::Uint), quote!(&v.lu)),
            "ld" => (Type::list(Type::Double), quote!(&v.ld)),
            "ls" => (Type::list(Type::String), quote!(&v.ls)),
            "ll" => (Type::list(Type::list(Type::Int)), quote!(&v.ll)),
            "m" => (Type::map(Type::String, Type::Int), quote!(&v.m)),
            "mi" => (Type::map(Type::Int, Type::String), quote!(&v.mi)),
            "t" | "now" => (Type::Timestamp, quote!(v.t)),
            "dur" => (Type::Duration, quote!(v.dur)),
            "this" => (Type::Message("test.Msg".into()), quote!(&v.msg)),
            _ => return None,
        };
        Some(Variable { ty, tokens })
    }

    fn field(&self, message: &str, field: &str) -> Option<Field> {
        if message != "test.Msg" {
            return None;
        }
        let implicit = |ty: Type, access: fn(&TokenStream) -> TokenStream| Field {
            ty,
            presence: Presence::Implicit,
            access: Box::new(access),
        };
        Some(match field {
            "name" => implicit(Type::String, |m| quote!(#m.name.as_str())),
            "count" => implicit(Type::Int, |m| quote!(i64::from(#m.count))),
            "tags" => implicit(Type::list(Type::String), |m| quote!(&#m.tags)),
            "scores" => implicit(Type::list(Type::Int), |m| quote!(&#m.scores)),
            "labels" => implicit(
                Type::map(Type::String, Type::String),
                |m| quote!(&#m.labels),
            ),
            "items" => implicit(
                Type::list(Type::Message("test.Msg".into())),
                |m| quote!(&#m.items),
            ),
            "child" => Field {
                ty: Type::Message("test.Msg".into()),
                presence: Presence::Explicit(Box::new(|m| quote!(#m.child.is_some()))),
                access: Box::new(
                    |m| quote!(::protogate::cel::message_or_default(#m.child.as_deref())),
                ),
            },
            "opt" => Field {
                ty: Type::Wrapper(Box::new(Type::Int)),
                presence: Presence::Explicit(Box::new(|m| quote!(#m.opt.is_some()))),
                access: Box::new(|m| quote!(#m.opt)),
            },
            "when" => Field {
                ty: Type::Timestamp,
                presence: Presence::Explicit(Box::new(|m| quote!(#m.when.is_some()))),
                access: Box::new(
                    |m| quote!(#m.when.as_ref().map(::protogate::cel::Timestamp::from).unwrap_or_default()),
                ),
            },
            _ => return None,
        })
    }
}

/// One table: each expression compiled to `fn(&Vars) -> Result<String, Error>`, or the
/// compile error's text.
fn table(name: &str, expressions: &[String]) -> (TokenStream, String) {
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    let mut listing = String::new();
    for (index, expression) in expressions.iter().enumerate() {
        let function = format_ident!("{}_{}", name.to_lowercase(), index);
        match compile(expression, &TestEnv) {
            Ok(compiled) => {
                let body = &compiled.tokens;
                let render = match compiled.result {
                    ResultKind::Bool => quote!(value.to_string()),
                    ResultKind::String => quote!(crate::render_string(&value)),
                };
                let _ = writeln!(listing, "// {expression}\n{body}\n");
                functions.push(quote! {
                    fn #function(v: &crate::Vars) -> ::core::result::Result<String, ::protogate::cel::Error> {
                        let value = #body?;
                        Ok(#render)
                    }
                });
                entries.push(quote!(crate::Case { expression: #expression, run: Ok(#function) }));
            }
            Err(error) => {
                let text = error.render(expression);
                entries.push(quote!(crate::Case { expression: #expression, run: Err(#text) }));
            }
        }
    }
    let table = format_ident!("{}", name);
    (
        quote! {
            #(#functions)*
            pub static #table: &[crate::Case] = &[#(#entries),*];
        },
        listing,
    )
}

fn read_cases(path: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Generates `proto/celrules` and `proto/predefinedrules` with protogate's generator: `cel` and
/// predefined rules in real validators. With the feature `compare`, also the standard-rule
/// messages of `tests/validate/proto/pvcases`, which the benchmark compares with
/// prost-protovalidate's generated validators.
fn generate_celrules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let builder = protogate_codegen::Builder::new()
        .include(root.join("tests/cel/proto"))
        .include(root.join("codegen/tests/fixtures/protovalidate"))
        .proto(root.join("tests/cel/proto/celrules/rules.proto"))
        .proto(root.join("tests/cel/proto/predefinedrules/predefined.proto"));
    #[cfg(feature = "compare")]
    let builder = builder
        .include(root.join("tests/validate/proto"))
        .proto(root.join("tests/validate/proto/pvcases/cases.proto"));
    if let Err(e) = builder.compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// The benchmark's schemas as prost-protovalidate sees them (feature `compare`): prost-build's
/// types and prost-protovalidate-build's `Validate` impls in `OUT_DIR/prost/`, and the encoded
/// descriptor set its runtime `Validator` reads the rules from.
#[cfg(feature = "compare")]
fn generate_prost_protovalidate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut compiler = protox::Compiler::new([
        root.join("tests/cel/proto"),
        root.join("tests/validate/proto"),
        root.join("codegen/tests/fixtures/protovalidate"),
    ])
    .unwrap_or_else(|e| panic!("protox: {e}"));
    compiler
        .include_imports(true)
        .open_files(["celrules/rules.proto", "pvcases/cases.proto"])
        .unwrap_or_else(|e| panic!("protox: {e}"));
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("prost");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("creating {}: {e}", out.display()));
    // The encoded set keeps the `buf.validate` options, which prost_types' descriptors drop.
    let encoded = compiler.encode_file_descriptor_set();
    std::fs::write(out.join("descriptors.bin"), &encoded)
        .unwrap_or_else(|e| panic!("writing descriptors.bin: {e}"));
    // prost-build needs the imports to see the field types; it also writes their modules, which
    // nothing includes.
    prost_build::Config::new()
        .out_dir(&out)
        .compile_fds(compiler.file_descriptor_set())
        .unwrap_or_else(|e| panic!("prost-build: {e}"));
    prost_protovalidate_build::Builder::new()
        .file_descriptor_set_bytes(encoded)
        .out_dir(&out)
        .compile()
        .unwrap_or_else(|e| panic!("prost-protovalidate-build: {e}"));
}

fn main() {
    generate_celrules();
    #[cfg(feature = "compare")]
    generate_prost_protovalidate();
    let dir = Path::new("cases");
    println!("cargo:rerun-if-changed=cases");
    let differential = read_cases(&dir.join("differential.txt"));
    let protogate: Vec<String> = read_cases(&dir.join("protogate.txt"))
        .iter()
        .map(|line| {
            line.split_once(" ==> ")
                .map_or(line.as_str(), |(e, _)| e)
                .to_string()
        })
        .collect();
    let (a, listing_a) = table("DIFFERENTIAL", &differential);
    let (b, listing_b) = table("PROTOGATE", &protogate);
    let file = quote!(#a #b);
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let formatted = match syn::parse2::<syn::File>(file.clone()) {
        Ok(parsed) => prettyplease::unparse(&parsed),
        Err(_) => file.to_string(),
    };
    std::fs::write(Path::new(&out).join("cases.rs"), formatted)
        .unwrap_or_else(|e| panic!("writing cases.rs: {e}"));
    std::fs::write(Path::new(&out).join("listing.txt"), listing_a + &listing_b)
        .unwrap_or_else(|e| panic!("writing listing: {e}"));
}
