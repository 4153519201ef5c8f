"""gRPC-Web over HTTP/1.1 with hand-built frames, binary and base64 text, and CORS for
browsers."""

import base64

from interop import (decode_text, frame, grpc_web, http_call, method, parse_frames,
                     parse_trailers, to_json)

GetBook = "library.v1.BookService.GetBook"
WatchBooks = "library.v1.BookService.WatchBooks"


def _watch(shelf: str, text: bool):
    req, resp, path = method(WatchBooks)
    body = frame(req(shelf=shelf).SerializeToString())
    ct = "application/grpc-web-text" if text else "application/grpc-web+proto"
    r = http_call("POST", path, base64.b64encode(body) if text else body,
                  {"content-type": ct, "x-grpc-web": "1"})
    assert r.status == 200
    frames = parse_frames(decode_text(r.body) if text else r.body)
    events = [resp.FromString(p) for f, p in frames if not f & 0x80]
    trailers = [parse_trailers(p) for f, p in frames if f & 0x80]
    return r, events, trailers


def test_grpc_web_text_unary_with_a_hand_built_base64_frame():
    req, resp, path = method(GetBook)
    body = base64.b64encode(frame(req(name="shelves/fiction/books/dune").SerializeToString()))
    r = http_call("POST", path, body, {"content-type": "application/grpc-web-text",
                                       "accept": "application/grpc-web-text"})
    assert r.status == 200
    assert r.headers["content-type"].startswith("application/grpc-web-text")
    frames = parse_frames(decode_text(r.body))
    assert [f for f, _ in frames] == [0x00, 0x80], "one message, then the trailers"
    assert resp.FromString(frames[0][1]).title == "Dune"
    assert parse_trailers(frames[1][1])["grpc-status"] == "0"


def test_grpc_web_text_request_split_into_separately_padded_chunks():
    """A text body may be several base64 chunks, each with its own padding."""
    req, resp, path = method(GetBook)
    raw = frame(req(name="shelves/fiction/books/dune").SerializeToString())
    # The frame header alone (5 bytes, padded), then the payload.
    body = base64.b64encode(raw[:5]) + base64.b64encode(raw[5:])
    assert b"=" in body[:-2], "the first chunk carries padding"
    r = http_call("POST", path, body, {"content-type": "application/grpc-web-text"})
    frames = parse_frames(decode_text(r.body))
    assert resp.FromString(frames[0][1]).title == "Dune"


def test_grpc_web_binary_and_text_server_streaming():
    for text in (False, True):
        _, events, trailers = _watch("fiction", text)
        assert [e.resume_token for e in events] == ["fiction-0", "fiction-1", "fiction-2",
                                                     "fiction-end"]
        assert trailers and trailers[-1]["grpc-status"] == "0"


def test_grpc_web_stream_error_after_messages_is_in_the_trailers_frame():
    for text in (False, True):
        _, events, trailers = _watch("faulty", text)
        assert [e.resume_token for e in events] == ["faulty-0", "faulty-end"]
        assert trailers[-1]["grpc-status"] == "15"
        assert "corrupt" in trailers[-1]["grpc-message"]


def test_grpc_web_errors_before_any_message_are_trailers_only():
    req, _, path = method(GetBook)
    for text in (False, True):
        out = grpc_web(GetBook, req(name="shelves/x"), text=text)
        assert out.code == 3
        assert out.details == ["type.googleapis.com/google.rpc.BadRequest"]
        out = grpc_web(GetBook, req(name="shelves/fiction/books/dune"), token="forged", text=text)
        assert (out.code, out.message) == (16, "invalid token")


def test_grpc_web_response_is_the_same_message_as_grpc():
    req, _, _ = method(GetBook)
    a = grpc_web(GetBook, req(name="shelves/fiction/books/left-hand"))
    b = grpc_web(GetBook, req(name="shelves/fiction/books/left-hand"), text=True)
    assert a.code == b.code == 0
    assert a.response == b.response
    assert a.response["title"] == "The Left Hand of Darkness"


def test_cors_preflight_and_exposed_grpc_headers():
    _, _, path = method(GetBook)
    pre = http_call("OPTIONS", path, None, {
        "origin": "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-grpc-web,authorization",
    })
    assert pre.status in (200, 204), pre
    assert pre.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "x-grpc-web" in pre.headers["access-control-allow-headers"].lower()
    req, _, _ = method(GetBook)
    r = http_call("POST", path, frame(req(name="shelves/fiction/books/dune").SerializeToString()),
                  {"content-type": "application/grpc-web+proto", "origin": "http://localhost:3000"})
    assert r.headers["access-control-allow-origin"] == "http://localhost:3000"
    exposed = r.headers["access-control-expose-headers"].lower()
    for h in ("grpc-status", "grpc-message", "grpc-status-details-bin"):
        assert h in exposed
    other = http_call("OPTIONS", path, None, {"origin": "http://evil.example",
                                               "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in other.headers


def test_grpc_web_json_of_the_stream_matches_grpc():
    _, events, _ = _watch("poetry", False)
    assert to_json(events[0])["created"]["name"].startswith("shelves/poetry/books/")
