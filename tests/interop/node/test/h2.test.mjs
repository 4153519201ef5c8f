// Hand-built gRPC over HTTP/2 (node:http2, prior knowledge): malformed frames and headers
// get the exact status, and the same listener keeps serving REST and gRPC over h2c.

import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { toBinary, fromBinary } from "@bufbuild/protobuf";
import { ADDR, registry, message } from "./lib.mjs";

const GetBookRequest = registry.getMessage("library.v1.GetBookRequest");
const Book = registry.getMessage("library.v1.Book");
const GET_BOOK = "/library.v1.BookService/GetBook";
const LIMIT = 4 * 1024 * 1024;

const session = http2.connect(`http://${ADDR}`);
after(() => session.close());

function frame(payload, flags = 0) {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** One HTTP/2 request; resolves with the headers, the body and the trailers. */
function request(headers, body) {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    const chunks = [];
    let head = {};
    let trailers = {};
    stream.on("response", (h) => (head = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => resolve({ head, trailers, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(body);
  });
}

function grpc(body, extra = {}) {
  return request(
    { ":method": "POST", ":path": GET_BOOK, "content-type": "application/grpc", te: "trailers", ...extra },
    body,
  );
}

/** grpc-status and grpc-message, from the trailers or a trailers-only response. */
function status(r) {
  const src = r.trailers["grpc-status"] !== undefined ? r.trailers : r.head;
  return [Number(src["grpc-status"]), decodeURIComponent(src["grpc-message"] ?? "")];
}

const dune = toBinary(GetBookRequest, message("library.v1.GetBookRequest", {
  name: "shelves/fiction/books/dune",
}));

async function stillServing() {
  const r = await grpc(frame(dune));
  assert.deepEqual(status(r), [0, ""]);
  assert.equal(fromBinary(Book, r.body.subarray(5)).title, "Dune");
}

describe("raw gRPC over HTTP/2", () => {
  test("a well-formed call", stillServing);

  test("malformed protobuf is INVALID_ARGUMENT", async () => {
    const [code, msg] = status(await grpc(frame(Buffer.from([0x0a, 0x64, 0x61, 0x62]))));
    assert.equal(code, 3, msg);
    assert.match(msg, /^invalid protobuf message: /);
    await stillServing();
  });

  test("a truncated frame is INVALID_ARGUMENT", async () => {
    const header = Buffer.from([0, 0, 0, 0, 100]);
    const [code, msg] = status(await grpc(Buffer.concat([header, Buffer.from([0x0a, 0x01])])));
    assert.equal(code, 3, msg);
    const [code2, msg2] = status(await grpc(Buffer.from([0, 0])));
    assert.equal(code2, 3, msg2);
    await stillServing();
  });

  test("an oversized frame is RESOURCE_EXHAUSTED before its payload is sent", async () => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(LIMIT + 1, 1);
    const [code, msg] = status(await grpc(header));
    assert.equal(code, 8, msg);
    await stillServing();
  });

  test("a compressed flag without grpc-encoding is INTERNAL, as the gRPC spec says", async () => {
    const [code, msg] = status(await grpc(frame(dune, 1)));
    assert.equal(code, 13, msg);
    await stillServing();
  });

  test("a malformed grpc-timeout is INVALID_ARGUMENT", async () => {
    const [code, msg] = status(await grpc(frame(dune), { "grpc-timeout": "soon" }));
    assert.deepEqual([code, msg], [3, "malformed grpc-timeout header"]);
    await stillServing();
  });

  test("a grpc-timeout ends a slow call with DEADLINE_EXCEEDED", async () => {
    const slow = toBinary(GetBookRequest, message("library.v1.GetBookRequest", {
      name: "shelves/slow/books/a",
    }));
    const [code] = status(await grpc(frame(slow), { "grpc-timeout": "200m" }));
    assert.equal(code, 4);
    await stillServing();
  });

  test("a codec the server does not speak is refused with 415", async () => {
    const json = Buffer.from(JSON.stringify({ name: "shelves/fiction/books/dune" }));
    const r = await grpc(frame(json), { "content-type": "application/grpc+xml" });
    assert.equal(r.head[":status"], 415);
    assert.match(r.head["accept-post"], /application\/grpc\+proto/);
    assert.match(r.head["accept-post"], /application\/grpc\+json/);
    await stillServing();
  });

  test("the JSON codec is served over gRPC", async () => {
    const json = Buffer.from(JSON.stringify({ name: "shelves/fiction/books/dune" }));
    const r = await grpc(frame(json), { "content-type": "application/grpc+json" });
    assert.equal(r.head[":status"], 200);
    assert.equal(r.head["content-type"], "application/grpc+json");
    assert.equal(status(r)[0], 0);
    await stillServing();
  });

  test("an unknown method is UNIMPLEMENTED", async () => {
    const r = await request(
      { ":method": "POST", ":path": "/library.v1.BookService/Nope", "content-type": "application/grpc", te: "trailers" },
      frame(Buffer.alloc(0)),
    );
    assert.equal(status(r)[0], 12);
    await stillServing();
  });

  test("REST and Connect over h2c on the same listener", async () => {
    const rest = await request({ ":method": "GET", ":path": "/v1/shelves/fiction/books/dune" });
    assert.equal(rest.head[":status"], 200);
    assert.equal(JSON.parse(rest.body).title, "Dune");
    const missing = await request({ ":method": "GET", ":path": "/v1/nothing" });
    assert.equal(missing.head[":status"], 404);
    assert.deepEqual(JSON.parse(missing.body), { code: 5, message: "Not Found", details: [] });
    const connect = await request(
      { ":method": "POST", ":path": GET_BOOK, "content-type": "application/json", "connect-protocol-version": "1" },
      JSON.stringify({ name: "shelves/fiction/books/dune" }),
    );
    assert.equal(connect.head[":status"], 200);
    assert.equal(JSON.parse(connect.body).title, "Dune");
    await stillServing();
  });
});
