"""Clients for every protocol the server speaks, built from independent libraries.

gRPC goes through grpcio; gRPC-Web, Connect and REST are spoken over Python's own
http.client, byte by byte, so that the tests see exactly what is on the wire. Message types
come from the library schema's descriptor set (built by run.sh with grpcio-tools' protoc),
loaded at run time: no generated Python code.
"""

import base64
import http.client
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any, Optional

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.rpc import error_details_pb2, status_pb2

ADDR = os.environ.get("INTEROP_ADDR", "")
DESCRIPTORS = os.environ.get("INTEROP_DESCRIPTORS", "")
if not ADDR or not DESCRIPTORS:
    raise RuntimeError(
        "INTEROP_ADDR and INTEROP_DESCRIPTORS must be set; run tests/interop/run.sh"
    )
HOST, PORT = ADDR.rsplit(":", 1)

_pool = descriptor_pool.DescriptorPool()
with open(DESCRIPTORS, "rb") as _f:
    for _file in descriptor_pb2.FileDescriptorSet.FromString(_f.read()).file:
        _pool.Add(_file)


def msg(full_name: str):
    """The message class of a full proto name, e.g. `library.v1.Book`."""
    return message_factory.GetMessageClass(_pool.FindMessageTypeByName(full_name))


def method(full_method: str):
    """(request class, response class, gRPC path) of `library.v1.BookService.GetBook`."""
    service, name = full_method.rsplit(".", 1)
    m = _pool.FindServiceByName(service).FindMethodByName(name)
    return msg(m.input_type.full_name), msg(m.output_type.full_name), f"/{service}/{name}"


def to_json(message) -> dict:
    """Canonical proto3 JSON of a message, as Python's protobuf writes it."""
    return json_format.MessageToDict(message, descriptor_pool=_pool)


def from_json(cls, value: dict):
    return json_format.ParseDict(value, cls(), descriptor_pool=_pool)


# --- gRPC (grpcio) ---------------------------------------------------------------------

_channel: Optional[grpc.Channel] = None


def channel() -> grpc.Channel:
    global _channel
    if _channel is None:
        _channel = grpc.insecure_channel(ADDR)
    return _channel


def bearer(token: Optional[str]):
    return [("authorization", f"Bearer {token}")] if token else []


def grpc_stub(full_method: str, kind: str = "unary_unary"):
    req, resp, path = method(full_method)
    factory = getattr(channel(), kind)
    return factory(
        path,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=resp.FromString,
    )


# --- HTTP ------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict  # lower-case name -> value (last one wins)
    body: bytes
    header_list: list = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def http_call(
    verb: str,
    path: str,
    body: Optional[bytes] = None,
    headers: Optional[dict] = None,
    timeout: float = 10,
) -> Reply:
    """One HTTP/1.1 request on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=timeout)
    try:
        conn.request(verb, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        pairs = r.getheaders()
        return Reply(r.status, {k.lower(): v for k, v in pairs}, data, pairs)
    finally:
        conn.close()


def send_large(head: bytes, chunks, timeout: float = 10) -> bytes:
    """Sends an HTTP/1.1 request head, then body chunks until the server answers (it may
    refuse the body before reading it) or the body is done; returns the raw response."""
    import select
    import socket

    with socket.create_connection((HOST, int(PORT)), timeout=timeout) as s:
        s.sendall(head)
        for chunk in chunks:
            readable, _, _ = select.select([s], [], [], 0)
            if readable:
                break
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        while True:
            try:
                part = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not part:
                break
            data += part
            if b"\r\n\r\n" in data and _complete(data):
                break
        return data


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def rest(verb: str, path: str, body: Any = None, token: Optional[str] = None, **kw) -> Reply:
    headers = {"accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["content-type"] = "application/json"
    headers.update(kw.pop("headers", {}))
    return http_call(verb, path, data, headers, **kw)


# --- gRPC-Web (hand-built frames) --------------------------------------------------------


def frame(payload: bytes, flag: int = 0) -> bytes:
    """A length-prefixed message: flag byte, big-endian u32 length, payload."""
    return struct.pack(">BI", flag, len(payload)) + payload


def parse_frames(body: bytes) -> list:
    """[(flag, payload)] of a gRPC-Web body; raises on a truncated frame."""
    out, i = [], 0
    while i < len(body):
        if len(body) - i < 5:
            raise ValueError(f"truncated frame header at byte {i}: {body[i:]!r}")
        flag, length = struct.unpack(">BI", body[i : i + 5])
        if len(body) - i - 5 < length:
            raise ValueError(f"frame at byte {i} claims {length} bytes")
        out.append((flag, body[i + 5 : i + 5 + length]))
        i += 5 + length
    return out


def decode_text(body: bytes) -> bytes:
    """A grpc-web-text body: base64 chunks, each possibly padded on its own."""
    out, rest = b"", body.strip()
    while rest:
        end = rest.find(b"=")
        if end < 0:
            end = len(rest)
        else:
            while end < len(rest) and rest[end : end + 1] == b"=":
                end += 1
        out += base64.b64decode(rest[:end])
        rest = rest[end:]
    return out


def parse_trailers(payload: bytes) -> dict:
    """`name: value\\r\\n` lines of a gRPC-Web trailers frame, names lower-cased."""
    out = {}
    for line in payload.decode().split("\r\n"):
        if line:
            k, _, v = line.partition(":")
            out[k.strip().lower()] = v.strip()
    return out


@dataclass
class Outcome:
    """What one call produced, in protocol-neutral form."""

    code: int  # gRPC code, 0 = OK
    message: str
    response: Optional[dict]  # proto3 JSON of the response message
    details: list = field(default_factory=list)  # type URLs of the status details


def unquote_grpc_message(value: str) -> str:
    from urllib.parse import unquote

    return unquote(value)


def _outcome_from_grpc_web(reply: Reply, resp_cls, text: bool) -> Outcome:
    assert reply.status == 200, f"gRPC-Web answers HTTP 200, got {reply.status}: {reply.body!r}"
    body = decode_text(reply.body) if text else reply.body
    frames = parse_frames(body)
    messages = [resp_cls.FromString(p) for f, p in frames if f & 0x80 == 0]
    trailer_frames = [parse_trailers(p) for f, p in frames if f & 0x80]
    trailers = trailer_frames[-1] if trailer_frames else {}
    if "grpc-status" not in trailers:
        # Trailers-only: the status is in the headers.
        trailers = reply.headers
    code = int(trailers["grpc-status"])
    message = unquote_grpc_message(trailers.get("grpc-message", ""))
    details = []
    if "grpc-status-details-bin" in trailers:
        raw = trailers["grpc-status-details-bin"]
        st = status_pb2.Status.FromString(base64.b64decode(raw + "=" * (-len(raw) % 4)))
        details = [d.type_url for d in st.details]
    return Outcome(code, message, to_json(messages[0]) if messages and code == 0 else None, details)


def grpc_web(full_method: str, request, token=None, text=False, extra=None) -> Outcome:
    _, resp_cls, path = method(full_method)
    body = frame(request.SerializeToString())
    ct = "application/grpc-web-text" if text else "application/grpc-web+proto"
    headers = {"content-type": ct, "x-grpc-web": "1", "accept": ct}
    if text:
        body = base64.b64encode(body)
    if token:
        headers["authorization"] = f"Bearer {token}"
    headers.update(extra or {})
    return _outcome_from_grpc_web(http_call("POST", path, body, headers), resp_cls, text)


# --- Connect (hand-built) ----------------------------------------------------------------

CONNECT_CODES = {
    "canceled": 1, "unknown": 2, "invalid_argument": 3, "deadline_exceeded": 4,
    "not_found": 5, "already_exists": 6, "permission_denied": 7, "resource_exhausted": 8,
    "failed_precondition": 9, "aborted": 10, "out_of_range": 11, "unimplemented": 12,
    "internal": 13, "unavailable": 14, "data_loss": 15, "unauthenticated": 16,
}


def connect(full_method: str, request, token=None, binary=False) -> Outcome:
    _, resp_cls, path = method(full_method)
    headers = {"connect-protocol-version": "1"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if binary:
        headers["content-type"] = "application/proto"
        body = request.SerializeToString()
    else:
        headers["content-type"] = "application/json"
        body = json.dumps(to_json(request)).encode()
    reply = http_call("POST", path, body, headers)
    if reply.status == 200:
        resp = resp_cls.FromString(reply.body) if binary else from_json(resp_cls, reply.json())
        return Outcome(0, "", to_json(resp))
    assert reply.headers.get("content-type") == "application/json", reply.headers
    err = reply.json()
    return Outcome(
        CONNECT_CODES[err["code"]],
        err.get("message", ""),
        None,
        ["type.googleapis.com/" + d["type"] for d in err.get("details", [])],
    )


# --- gRPC (grpcio) as an Outcome ---------------------------------------------------------


def grpc_call(full_method: str, request, token=None, timeout=10) -> Outcome:
    from grpc_status import rpc_status

    try:
        resp = grpc_stub(full_method)(request, metadata=bearer(token), timeout=timeout)
        return Outcome(0, "", to_json(resp))
    except grpc.RpcError as e:
        st = rpc_status.from_call(e)
        details = [d.type_url for d in st.details] if st else []
        return Outcome(e.code().value[0], e.details() or "", None, details)


def rest_outcome(reply: Reply) -> Outcome:
    body = reply.json()
    if reply.status == 200:
        return Outcome(0, "", body)
    return Outcome(body["code"], body["message"], None, [d["@type"] for d in body["details"]])


def every_protocol(full_method: str, request, token=None) -> dict:
    """The same call over gRPC, gRPC-Web (binary and text) and Connect (JSON and binary)."""
    return {
        "grpc": grpc_call(full_method, request, token),
        "grpc-web": grpc_web(full_method, request, token),
        "grpc-web-text": grpc_web(full_method, request, token, text=True),
        "connect-json": connect(full_method, request, token),
        "connect-proto": connect(full_method, request, token, binary=True),
    }


def bad_request_fields(details_bin: bytes) -> list:
    """The field names of the google.rpc.BadRequest in a google.rpc.Status."""
    st = status_pb2.Status.FromString(details_bin)
    out = []
    for any_ in st.details:
        br = error_details_pb2.BadRequest()
        if any_.Unpack(br):
            out += [v.field for v in br.field_violations]
    return out
