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

/// The static `ServiceInfo`: per method its names and what differs from a public unary method
/// without routes (`..MethodInfo::defaults::<Input, Output>()`). The runtime's items are named
/// through `__pg`, an alias local to the initializer: a proto identifier starts with a letter,
/// so no generated name is `__pg`.
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
        let (input_ty, output_ty) = io_types(api, package, m);
        let kind = match m.streaming {
            Streaming::Unary => None,
            Streaming::Server => Some(quote!(ServerStreaming)),
            Streaming::Client => Some(quote!(ClientStreaming)),
            Streaming::Bidi => Some(quote!(BidiStreaming)),
        }
        .map(|kind| quote!(kind: __pg::MethodKind::#kind,));
        let guard = match &m.auth {
            None => None,
            Some(a) if a.permission == "authenticated" => Some(quote!(__pg::Guard::Authenticated)),
            Some(a) => {
                let permission = &a.permission;
                let check = match &a.check_field {
                    Some(f) => quote!(::core::option::Option::Some(#f)),
                    None => quote!(::core::option::Option::None),
                };
                Some(quote!(__pg::Guard::Permission { permission: #permission, check_field: #check }))
            }
        }
        .map(|guard| quote!(guard: #guard,));
        let idempotency = match m.idempotency {
            Idempotency::Unknown => None,
            Idempotency::NoSideEffects => Some(quote!(NoSideEffects)),
            Idempotency::Idempotent => Some(quote!(Idempotent)),
        }
        .map(|idempotency| quote!(idempotency: __pg::Idempotency::#idempotency,));
        let routes = (!m.http.is_empty()).then(|| {
            let routes = m.http.iter().map(|b| route(api, m, b));
            quote!(routes: &[#(#routes),*],)
        });
        quote! {
            __pg::MethodInfo {
                name: #method_name,
                full_name: #full_name,
                grpc_path: #grpc_path,
                #kind
                #guard
                #idempotency
                #routes
                ..__pg::MethodInfo::defaults::<#input_ty, #output_ty>()
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub static #info: ::protogate::ServiceInfo = {
            use ::protogate as __pg;
            __pg::ServiceInfo {
                name: #name,
                rest_prefix: #rest_prefix,
                methods: &[#(#methods),*],
            }
        };
    }
}

/// One REST binding: `HttpRoute::get(template, segments)` (or its method's), with what
/// differs from a route without a body added.
fn route(api: &Api, m: &Method, b: &HttpBinding) -> TokenStream {
    let t = &b.template;
    let source = &t.source;
    let segments = t.segments.iter().map(|s| match s {
        TemplateSegment::Literal(l) => l.as_str(),
        TemplateSegment::Single => "*",
        TemplateSegment::Multi => "**",
    });
    let template = quote!(#source, &__pg::Segment::from_strs([#(#segments),*]));
    let mut route = match b.method.as_str() {
        "GET" => quote!(__pg::HttpRoute::get(#template)),
        "PUT" => quote!(__pg::HttpRoute::put(#template)),
        "POST" => quote!(__pg::HttpRoute::post(#template)),
        "DELETE" => quote!(__pg::HttpRoute::delete(#template)),
        "PATCH" => quote!(__pg::HttpRoute::patch(#template)),
        other => quote! {
            __pg::HttpRoute::new(__pg::HttpMethod::Custom(#other), __pg::PathTemplate::new(#template))
        },
    };
    if !t.variables.is_empty() {
        let variables = t.variables.iter().map(|v| {
            let path = &v.field_path;
            let start = proc_macro2::Literal::usize_unsuffixed(v.start);
            let end = proc_macro2::Literal::usize_unsuffixed(v.end);
            quote!(__pg::PathVariable::new(&[#(#path),*], #start, #end))
        });
        route = quote!(#route.variables(&[#(#variables),*]));
    }
    if let Some(verb) = &t.verb {
        route = quote!(#route.verb(#verb));
    }
    match b.body.as_deref() {
        None => {}
        Some("*") => route = quote!(#route.body(__pg::BodySpec::Whole)),
        Some(f) => route = quote!(#route.body(__pg::BodySpec::Field(#f))),
    }
    if let Some(f) = &b.response_body {
        route = quote!(#route.response_body(#f));
    }
    if b.body.is_some() && api.is_http_body(&m.input, b.body.as_deref()) {
        route = quote!(#route.request_http_body());
    }
    if api.is_http_body(&m.output, b.response_body.as_deref()) {
        route = quote!(#route.response_http_body());
    }
    route
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
