//! Per service: the static `ServiceInfo` (methods, routes, guards), the protocol-neutral handler
//! trait, and the adapter that serves a handler through the runtime's pipeline.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::options::Options;
use super::{doc_attrs, rust_type};
use crate::model::http::TemplateSegment;
use crate::model::{Api, HttpBinding, Idempotency, Method, Package, Service, Streaming};
use crate::names;

/// Names used for one service's generated items.
pub struct ServiceNames {
    /// `AuthServiceHandler`.
    pub handler: Ident,
    /// `AuthService` (the adapter struct).
    pub adapter: Ident,
    /// `AUTH_SERVICE` (the static `ServiceInfo`).
    pub info: Ident,
    /// `auth_service_methods` (the module of the method numbers).
    pub methods: Ident,
}

impl ServiceNames {
    /// Names for `service`, avoiding the package's own type names.
    pub fn new(service: &Service, package: &Package) -> ServiceNames {
        let camel = names::upper_camel(&service.name);
        let taken = |n: &str| {
            package.messages.iter().any(|m| m.rust_path == n)
                || package
                    .enums
                    .iter()
                    .any(|e| names::upper_camel(&e.name) == n)
        };
        let adapter = if taken(&camel) {
            format!("{camel}Gate")
        } else {
            camel.clone()
        };
        let handler = if taken(&format!("{camel}Handler")) {
            format!("{camel}GateHandler")
        } else {
            format!("{camel}Handler")
        };
        // prost gives a message with nested types a module of the message's snake-case name.
        let module_taken = |n: &str| {
            package
                .messages
                .iter()
                .any(|m| !m.rust_path.contains("::") && names::snake(&m.rust_path) == n)
        };
        let snake = names::snake(&service.name);
        let snake = snake.strip_prefix("r#").unwrap_or(&snake);
        let methods = if module_taken(&format!("{snake}_methods")) {
            format!("{snake}_gate_methods")
        } else {
            format!("{snake}_methods")
        };
        ServiceNames {
            handler: ident(&handler),
            adapter: ident(&adapter),
            info: ident(&service.name.to_shouty_snake_case()),
            methods: ident(&methods),
        }
    }
}

fn ident(s: &str) -> Ident {
    if let Some(raw) = s.strip_prefix("r#") {
        Ident::new_raw(raw, Span::call_site())
    } else {
        Ident::new(s, Span::call_site())
    }
}

/// Everything protogate adds for `service`.
pub fn generate(api: &Api, package: &Package, service: &Service, options: &Options) -> TokenStream {
    let n = ServiceNames::new(service, package);
    let info = info_static(api, package, service, &n);
    let numbers = method_numbers(service, &n);
    let handler = handler_trait(api, package, service, &n, options);
    let adapter = adapter(api, package, service, &n);
    quote! { #info #numbers #handler #adapter }
}

/// The constant naming a method's number in the module of [`method_numbers`].
fn method_number(m: &Method) -> Ident {
    ident(&m.name.to_shouty_snake_case())
}

/// A module of one constant per method, its index in the `ServiceInfo`'s methods (the number
/// `Service::call` receives); nothing for a service without methods.
fn method_numbers(service: &Service, n: &ServiceNames) -> TokenStream {
    if service.methods.is_empty() {
        return quote!();
    }
    let module = &n.methods;
    let doc = format!(
        " The method numbers of `{}`: each method's index in `{}.methods`.",
        service.full_name, n.info
    );
    let consts = service.methods.iter().enumerate().map(|(index, m)| {
        let name = method_number(m);
        let doc = format!(" `{}`.", m.full_name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote! {
            #[doc = #doc]
            pub const #name: usize = #index;
        }
    });
    quote! {
        #[doc = #doc]
        pub mod #module {
            #(#consts)*
        }
    }
}

fn info_static(api: &Api, package: &Package, service: &Service, n: &ServiceNames) -> TokenStream {
    let info = &n.info;
    let name = &service.full_name;
    // The API's base path, and the service's own beyond it (services under different base
    // paths).
    let rest_prefix = format!("{}{}", api.base_path, service.path_prefix);
    let doc = format!(" The methods of `{name}`: routes, guards and streaming kinds.");
    let methods = service.methods.iter().map(|m| {
        let method_name = &m.name;
        let full_name = &m.full_name;
        let grpc_path = format!("/{}/{}", service.full_name, m.name);
        let kind = match m.streaming {
            Streaming::Unary => quote!(Unary),
            Streaming::Server => quote!(ServerStreaming),
            Streaming::Client => quote!(ClientStreaming),
            Streaming::Bidi => quote!(BidiStreaming),
        };
        let guard = match &m.auth {
            None => quote!(::protogate::Guard::Public),
            Some(a) if a.permission == "authenticated" => quote!(::protogate::Guard::Authenticated),
            Some(a) => {
                let permission = &a.permission;
                let check = match &a.check_field {
                    Some(f) => quote!(Some(#f)),
                    None => quote!(None),
                };
                quote!(::protogate::Guard::Permission { permission: #permission, check_field: #check })
            }
        };
        let idempotency = match m.idempotency {
            Idempotency::Unknown => quote!(Unknown),
            Idempotency::NoSideEffects => quote!(NoSideEffects),
            Idempotency::Idempotent => quote!(Idempotent),
        };
        let routes = m.http.iter().map(|b| route(api, m, b));
        let input = &m.input;
        let output = &m.output;
        let input_ty = described(api, &package.name, &m.input);
        let output_ty = described(api, &package.name, &m.output);
        quote! {
            ::protogate::MethodInfo {
                name: #method_name,
                full_name: #full_name,
                grpc_path: #grpc_path,
                kind: ::protogate::MethodKind::#kind,
                guard: #guard,
                idempotency: ::protogate::Idempotency::#idempotency,
                routes: &[#(#routes),*],
                input_type: #input,
                output_type: #output,
                input: #input_ty,
                output: #output_ty,
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub static #info: ::protogate::ServiceInfo = ::protogate::ServiceInfo {
            name: #name,
            rest_prefix: #rest_prefix,
            methods: &[#(#methods),*],
        };
    }
}

/// `<T as Described>::info` for a message; well-known types other than Empty have no table.
fn described(api: &Api, package: &str, full_name: &str) -> TokenStream {
    let ty = rust_type(api, package, full_name);
    quote!(<#ty as ::protogate::schema::Described>::info)
}

fn route(api: &Api, m: &Method, b: &HttpBinding) -> TokenStream {
    let request_http_body = b.body.is_some() && api.is_http_body(&m.input, b.body.as_deref());
    let response_http_body = api.is_http_body(&m.output, b.response_body.as_deref());
    let method = match b.method.as_str() {
        "GET" => quote!(::protogate::HttpMethod::Get),
        "PUT" => quote!(::protogate::HttpMethod::Put),
        "POST" => quote!(::protogate::HttpMethod::Post),
        "DELETE" => quote!(::protogate::HttpMethod::Delete),
        "PATCH" => quote!(::protogate::HttpMethod::Patch),
        other => quote!(::protogate::HttpMethod::Custom(#other)),
    };
    let t = &b.template;
    let source = &t.source;
    let segments = t.segments.iter().map(|s| match s {
        TemplateSegment::Literal(l) => quote!(::protogate::Segment::Literal(#l)),
        TemplateSegment::Single => quote!(::protogate::Segment::Single),
        TemplateSegment::Multi => quote!(::protogate::Segment::Multi),
    });
    let variables = t.variables.iter().map(|v| {
        let path = &v.field_path;
        let (start, end) = (v.start, v.end);
        quote!(::protogate::PathVariable { field_path: &[#(#path),*], start: #start, end: #end })
    });
    let verb = match &t.verb {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let body = match b.body.as_deref() {
        None => quote!(::protogate::BodySpec::None),
        Some("*") => quote!(::protogate::BodySpec::Whole),
        Some(f) => quote!(::protogate::BodySpec::Field(#f)),
    };
    let response_body = match &b.response_body {
        Some(f) => quote!(Some(#f)),
        None => quote!(None),
    };
    quote! {
        ::protogate::HttpRoute {
            method: #method,
            template: ::protogate::PathTemplate {
                source: #source,
                segments: &[#(#segments),*],
                variables: &[#(#variables),*],
                verb: #verb,
            },
            body: #body,
            response_body: #response_body,
            request_http_body: #request_http_body,
            response_http_body: #response_http_body,
        }
    }
}

/// The types a method's handler takes and returns.
fn io_types(api: &Api, package: &Package, m: &Method) -> (TokenStream, TokenStream) {
    (
        rust_type(api, &package.name, &m.input),
        rust_type(api, &package.name, &m.output),
    )
}

fn handler_trait(
    api: &Api,
    package: &Package,
    service: &Service,
    n: &ServiceNames,
    options: &Options,
) -> TokenStream {
    // The proto comments, unless the options leave them out.
    let comments = |full_name: &str, text: &str| {
        if options.comments_disabled(full_name) {
            quote!()
        } else {
            doc_attrs(text)
        }
    };
    let handler = &n.handler;
    let adapter = &n.adapter;
    let service_doc = format!(
        " The implementation of `{}`, once for every protocol: mount it with [`{adapter}::new`].",
        service.full_name
    );
    let service_docs = comments(&service.full_name, &service.docs.text);
    let methods = service.methods.iter().map(|m| {
        let fn_name = ident(&names::snake(&m.name));
        let docs = comments(&m.full_name, &m.docs.text);
        let (input, output) = io_types(api, package, m);
        let (arg, ret) = match m.streaming {
            Streaming::Unary => (quote!(request: #input), quote!(#output)),
            Streaming::Server => (quote!(request: #input), quote!(::protogate::ResponseStream<#output>)),
            Streaming::Client => (quote!(requests: ::protogate::RequestStream<#input>), quote!(#output)),
            Streaming::Bidi => (quote!(requests: ::protogate::RequestStream<#input>), quote!(::protogate::ResponseStream<#output>)),
        };
        let signature = quote! {
            fn #fn_name(
                &self,
                ctx: &::protogate::RequestContext,
                #arg,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<#ret, ::protogate::Status>> + Send
        };
        if !options.default_stubs {
            return quote! { #docs #signature; };
        }
        let argument = match m.streaming {
            Streaming::Unary | Streaming::Server => quote!(request),
            Streaming::Client | Streaming::Bidi => quote!(requests),
        };
        let message = format!("{} is not implemented", m.full_name);
        quote! {
            #docs
            #[doc = ""]
            #[doc = "Answers UNIMPLEMENTED unless implemented."]
            #signature {
                let _ = (ctx, #argument);
                ::core::future::ready(::core::result::Result::Err(::protogate::Status::new(
                    ::protogate::Code::Unimplemented,
                    #message,
                )))
            }
        }
    });
    quote! {
        #service_docs
        #[doc = ""]
        #[doc = #service_doc]
        pub trait #handler: Send + Sync + 'static {
            #(#methods)*
        }
    }
}

fn adapter(api: &Api, package: &Package, service: &Service, n: &ServiceNames) -> TokenStream {
    let ServiceNames {
        handler,
        adapter,
        info,
        methods,
    } = n;
    let adapter_doc = format!(
        " Serves a [`{handler}`] over every protocol: mount it with `::protogate::Server::service`."
    );
    let arms: Vec<TokenStream> = service
        .methods
        .iter()
        .map(|m| {
            let number = method_number(m);
            let fn_name = ident(&names::snake(&m.name));
            let (input, _) = io_types(api, package, m);
            let (step, arg) = match m.streaming {
                Streaming::Unary => (quote!(unary), quote!(request: #input)),
                Streaming::Server => (quote!(server_streaming), quote!(request: #input)),
                Streaming::Client => (
                    quote!(client_streaming),
                    quote!(request: ::protogate::RequestStream<#input>),
                ),
                Streaming::Bidi => (
                    quote!(bidi_streaming),
                    quote!(request: ::protogate::RequestStream<#input>),
                ),
            };
            // The auth option's `check_field_name`, checked once the request is decoded.
            let check = m
                .auth
                .as_ref()
                .and_then(|a| a.checked_field.as_deref())
                .map(|field| {
                    let field = ident(&names::snake(field));
                    quote!(ctx.check_field(&request.#field)?;)
                });
            // `H::method`, not `handler.method`: an rpc named `Clone` would find `Arc::clone`.
            quote! {
                #methods::#number => ::protogate::pipeline::#step(ctx, requests, move |ctx, #arg| async move {
                    #check
                    H::#fn_name(&handler, &ctx, request).await
                }),
            }
        })
        .collect();
    // A service without methods keeps `Service::call`'s default, which has none to call.
    let call = (!arms.is_empty()).then(|| {
        quote! {
            fn call(
                &self,
                method: usize,
                ctx: ::protogate::RequestContext,
                requests: ::protogate::Requests,
            ) -> ::protogate::service::BoxFuture<::core::result::Result<::protogate::Responses, ::protogate::Status>> {
                let handler = ::std::sync::Arc::clone(&self.handler);
                match method {
                    #(#arms)*
                    _ => ::protogate::pipeline::no_such_method(#info.name, method),
                }
            }
        }
    });
    quote! {
        #[doc = #adapter_doc]
        pub struct #adapter<H> {
            handler: ::std::sync::Arc<H>,
        }

        impl<H: #handler> #adapter<H> {
            /// Wraps a handler.
            pub fn new(handler: H) -> Self {
                Self::from_arc(::std::sync::Arc::new(handler))
            }

            /// Wraps a shared handler.
            pub fn from_arc(handler: ::std::sync::Arc<H>) -> Self {
                Self { handler }
            }

            /// The handler.
            pub fn handler(&self) -> &::std::sync::Arc<H> {
                &self.handler
            }
        }

        impl<H> ::core::clone::Clone for #adapter<H> {
            fn clone(&self) -> Self {
                Self { handler: ::std::sync::Arc::clone(&self.handler) }
            }
        }

        impl<H: #handler> ::protogate::Service for #adapter<H> {
            fn info(&self) -> &'static ::protogate::ServiceInfo {
                &#info
            }

            fn file_descriptor_set(&self) -> &'static [u8] {
                FILE_DESCRIPTOR_SET
            }

            #call
        }
    }
}
