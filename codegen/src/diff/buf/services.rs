//! Service-pair rules: RPCs deleted, their request and response types, streaming and
//! idempotency level.

use prost_reflect::MethodDescriptor;

use super::Cx;
use crate::diff::source::path;

pub(super) fn run(cx: &mut Cx<'_>) {
    let mut pairs = Vec::new();
    for new in cx.new.pool.services() {
        if !cx.compared_new.contains(new.parent_file().name()) {
            continue;
        }
        if let Some(old) = cx.old.pool.get_service_by_name(new.full_name()) {
            if cx.compared_old.contains(old.parent_file().name()) {
                pairs.push((old, new));
            }
        }
    }
    for (old, new) in pairs {
        let file = new.parent_file().name().to_string();
        let service = new.name().to_string();
        for old_method in old.methods() {
            let Some(new_method) = new.methods().find(|m| m.name() == old_method.name()) else {
                cx.push(
                    "RPC_NO_DELETE",
                    cx.at_new(&file, new.path()),
                    old_method.full_name().to_string(),
                    format!(
                        "Previously present RPC {:?} on service {service:?} was deleted.",
                        old_method.name()
                    ),
                );
                continue;
            };
            method(cx, &file, &service, &old_method, &new_method);
        }
    }
}

fn method(
    cx: &mut Cx<'_>,
    file: &str,
    service: &str,
    old: &MethodDescriptor,
    new: &MethodDescriptor,
) {
    let rpc = new.name();
    let element = new.full_name().to_string();
    let sub = |field: i32| {
        let mut p = new.path().to_vec();
        p.push(field);
        p
    };
    let (old_in, new_in) = (old.input(), new.input());
    if old_in.full_name() != new_in.full_name() {
        cx.push(
            "RPC_SAME_REQUEST_TYPE",
            cx.at_new(file, &sub(path::METHOD_INPUT)),
            element.clone(),
            format!(
                "RPC {rpc:?} on service {service:?} changed request type from {:?} to {:?}.",
                old_in.full_name(),
                new_in.full_name()
            ),
        );
    }
    let (old_out, new_out) = (old.output(), new.output());
    if old_out.full_name() != new_out.full_name() {
        cx.push(
            "RPC_SAME_RESPONSE_TYPE",
            cx.at_new(file, &sub(path::METHOD_OUTPUT)),
            element.clone(),
            format!(
                "RPC {rpc:?} on service {service:?} changed response type from {:?} to {:?}.",
                old_out.full_name(),
                new_out.full_name()
            ),
        );
    }
    let kind = |streaming: bool| if streaming { "streaming" } else { "unary" };
    if old.is_client_streaming() != new.is_client_streaming() {
        cx.push(
            "RPC_SAME_CLIENT_STREAMING",
            cx.at_new(file, new.path()),
            element.clone(),
            format!(
                "RPC {rpc:?} on service {service:?} changed from client {} to client {}.",
                kind(old.is_client_streaming()),
                kind(new.is_client_streaming())
            ),
        );
    }
    if old.is_server_streaming() != new.is_server_streaming() {
        cx.push(
            "RPC_SAME_SERVER_STREAMING",
            cx.at_new(file, new.path()),
            element.clone(),
            format!(
                "RPC {rpc:?} on service {service:?} changed from server {} to server {}.",
                kind(old.is_server_streaming()),
                kind(new.is_server_streaming())
            ),
        );
    }
    let level = |m: &MethodDescriptor| {
        m.method_descriptor_proto()
            .options
            .as_ref()
            .map(|o| o.idempotency_level())
            .unwrap_or_default()
            .as_str_name()
            .to_string()
    };
    let (before, after) = (level(old), level(new));
    if before != after {
        let mut at = sub(path::METHOD_OPTIONS);
        at.push(34);
        cx.push(
            "RPC_SAME_IDEMPOTENCY_LEVEL",
            cx.at_new(file, &at),
            element,
            format!(
                "RPC {rpc:?} on service {service:?} changed option \"idempotency_level\" from {before:?} to {after:?}."
            ),
        );
    }
}
