//! Per service: the static `ServiceInfo` (methods, routes, guards), the protocol-neutral handler
//! trait, and the adapters that connect a handler to tonic and to the runtime's dispatcher.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attrs, rust_type};
use crate::model::http::TemplateSegment;
use crate::model::{Api, HttpBinding, Method, Package, Service, Streaming};
use crate::names;

/// Names used for one service's generated items.
pub struct ServiceNames {
    /// `AuthServiceHandler`.
    pub handler: Ident,
    /// `AuthService` (the adapter struct).
    pub adapter: Ident,
    /// `AUTH_SERVICE` (the static `ServiceInfo`).
    pub info: Ident,
    /// `auth_service_server` (tonic's module).
    pub server_mod: Ident,
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
        ServiceNames {
            handler: ident(&handler),
            adapter: ident(&adapter),
            info: ident(&service.name.to_shouty_snake_case()),
            server_mod: ident(&names::tonic_module(&service.name, "server")),
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
pub fn generate(api: &Api, package: &Package, service: &Service, rest_prefix: &str) -> TokenStream {
    let n = ServiceNames::new(service, package);
    let info = info_static(api, package, service, &n, rest_prefix);
    let handler = handler_trait(api, package, service, &n);
    let adapter = adapter(api, package, service, &n);
    quote! { #info #handler #adapter }
}

fn info_static(
    api: &Api,
    package: &Package,
    service: &Service,
    n: &ServiceNames,
    rest_prefix: &str,
) -> TokenStream {
    let info = &n.info;
    let name = &service.full_name;
    let doc = format!("The methods of `{name}`: routes, guards and streaming kinds.");
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
        let routes = m.http.iter().map(route);
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

fn route(b: &HttpBinding) -> TokenStream {
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

fn handler_trait(api: &Api, package: &Package, service: &Service, n: &ServiceNames) -> TokenStream {
    let handler = &n.handler;
    let adapter = &n.adapter;
    let service_doc = format!(
        "The implementation of `{}`, once for every protocol: mount it with [`{adapter}::new`].",
        service.full_name
    );
    let service_docs = doc_attrs(&service.docs.text);
    let methods = service.methods.iter().map(|m| {
        let fn_name = ident(&names::snake(&m.name));
        let docs = doc_attrs(&m.docs.text);
        let (input, output) = io_types(api, package, m);
        let (arg, ret) = match m.streaming {
            Streaming::Unary => (quote!(request: #input), quote!(#output)),
            Streaming::Server => (quote!(request: #input), quote!(::protogate::ResponseStream<#output>)),
            Streaming::Client => (quote!(requests: ::protogate::RequestStream<#input>), quote!(#output)),
            Streaming::Bidi => (quote!(requests: ::protogate::RequestStream<#input>), quote!(::protogate::ResponseStream<#output>)),
        };
        quote! {
            #docs
            fn #fn_name(
                &self,
                ctx: &::protogate::RequestContext,
                #arg,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<#ret, ::protogate::Status>> + Send;
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
        server_mod,
    } = n;
    let server_trait = ident(&names::upper_camel(&service.name));
    let server_struct = ident(&format!("{}Server", names::upper_camel(&service.name)));
    let adapter_doc = format!(
        "Serves a [`{handler}`] over every protocol: gRPC through [`{server_mod}::{server_struct}`], REST and Connect through [`::protogate::Service`]."
    );
    let grpc_methods = service.methods.iter().enumerate().map(|(i, m)| {
        let fn_name = ident(&names::snake(&m.name));
        let (input, output) = io_types(api, package, m);
        let stream = format_ident!("{}Stream", m.name);
        let stream_type = quote!(type #stream = ::protogate::grpc::GrpcStream<#output>;);
        let (request, call, reply, stream_type) = match m.streaming {
            Streaming::Unary => (quote!(#input), quote!(unary), quote!(#output), quote!()),
            Streaming::Server => (quote!(#input), quote!(server_streaming), quote!(Self::#stream), stream_type),
            Streaming::Client => (quote!(::tonic::Streaming<#input>), quote!(client_streaming), quote!(#output), quote!()),
            Streaming::Bidi => (quote!(::tonic::Streaming<#input>), quote!(bidi_streaming), quote!(Self::#stream), stream_type),
        };
        // tonic's trait is an `#[async_trait]` trait. Its methods are written out as that macro
        // expands them, but with `Box` qualified: the macro's bare `Box` would name a message
        // called `Box` in this package.
        quote! {
            #stream_type
            fn #fn_name<'life0, 'async_trait>(&'life0 self, request: ::tonic::Request<#request>) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::core::result::Result<::tonic::Response<#reply>, ::tonic::Status>> + ::core::marker::Send + 'async_trait>>
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                // `H::method`, not `handler.method`: an rpc named `Clone` would find `Arc::clone`.
                ::std::boxed::Box::pin(async move {
                    let handler = &self.handler;
                    ::protogate::grpc::#call(request, &#info.methods[#i], |ctx, request| async move {
                        H::#fn_name(handler, &ctx, request).await
                    })
                    .await
                })
            }
        }
    });
    let unary: Vec<TokenStream> = service
        .methods
        .iter()
        .enumerate()
        .filter(|(_, m)| m.streaming == Streaming::Unary)
        .map(|(i, m)| {
            let fn_name = ident(&names::snake(&m.name));
            let (input, _) = io_types(api, package, m);
            quote! {
                #i => {
                    let handler = ::std::sync::Arc::clone(&self.handler);
                    ::std::boxed::Box::pin(::protogate::dispatch::unary(ctx, input, move |ctx, request: #input| async move {
                        H::#fn_name(&handler, &ctx, request).await
                    }))
                }
            }
        })
        .collect();
    let streaming: Vec<TokenStream> = service
        .methods
        .iter()
        .enumerate()
        .filter(|(_, m)| m.streaming == Streaming::Server)
        .map(|(i, m)| {
            let fn_name = ident(&names::snake(&m.name));
            let (input, _) = io_types(api, package, m);
            quote! {
                #i => {
                    let handler = ::std::sync::Arc::clone(&self.handler);
                    ::std::boxed::Box::pin(::protogate::dispatch::server_streaming(ctx, input, move |ctx, request: #input| async move {
                        H::#fn_name(&handler, &ctx, request).await
                    }))
                }
            }
        })
        .collect();
    let full_name = &service.full_name;
    // With no method of a kind there is nothing to match on: refuse directly.
    let dispatch = |arms: &[TokenStream], kind: &str| {
        let refuse = quote! {
            ::std::boxed::Box::pin(::core::future::ready(::core::result::Result::Err(
                ::protogate::Status::unimplemented(::std::format!("method #{method} of {} is not a {} method", #full_name, #kind)),
            )))
        };
        if arms.is_empty() {
            quote! { let _ = (ctx, input); #refuse }
        } else {
            quote! { match method { #(#arms)* _ => #refuse } }
        }
    };
    let unary_body = dispatch(&unary, "unary");
    let streaming_body = dispatch(&streaming, "server-streaming");
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

            /// The tonic server for the gRPC and gRPC-Web protocols.
            pub fn into_grpc(self) -> #server_mod::#server_struct<Self> {
                #server_mod::#server_struct::new(self)
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

            fn call_unary(
                &self,
                method: usize,
                ctx: ::protogate::RequestContext,
                input: ::protogate::codec::Input,
            ) -> ::protogate::service::BoxFuture<::core::result::Result<::protogate::codec::Output, ::protogate::Status>> {
                #unary_body
            }

            fn call_server_streaming(
                &self,
                method: usize,
                ctx: ::protogate::RequestContext,
                input: ::protogate::codec::Input,
            ) -> ::protogate::service::BoxFuture<::core::result::Result<::protogate::ResponseStream<::protogate::codec::Output>, ::protogate::Status>> {
                #streaming_body
            }
        }

        impl<H: #handler> ::protogate::Mountable for #adapter<H> {
            fn add_grpc_routes(&self, routes: &mut ::tonic::service::RoutesBuilder, limits: &::protogate::Limits) {
                let server = #server_mod::#server_struct::new(self.clone())
                    .max_decoding_message_size(limits.max_message_size)
                    .max_encoding_message_size(limits.max_message_size)
                    .accept_compressed(::tonic::codec::CompressionEncoding::Gzip)
                    .send_compressed(::tonic::codec::CompressionEncoding::Gzip);
                routes.add_service(server);
            }

            fn file_descriptor_set(&self) -> &'static [u8] {
                FILE_DESCRIPTOR_SET
            }
        }

        impl<H: #handler> #server_mod::#server_trait for #adapter<H> {
            #(#grpc_methods)*
        }
    }
}
