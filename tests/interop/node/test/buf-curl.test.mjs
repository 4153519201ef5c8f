// `buf curl` (from @bufbuild/buf) with each --protocol, reading the schema from the descriptor
// set: the same request gives the same output, and the same error, on every protocol.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ADDR, DESCRIPTORS } from "./lib.mjs";

const BUF = fileURLToPath(new URL("../node_modules/.bin/buf", import.meta.url));
const PROTOCOLS = ["grpc", "grpcweb", "connect"];
const CODES = { invalid_argument: 3, not_found: 5, unauthenticated: 16, data_loss: 15 };

/** Runs buf curl; returns the exit code, the JSON documents on stdout and the error on stderr. */
function curl(protocol, method, body, headers = []) {
  const args = ["curl", "--schema", DESCRIPTORS, "--protocol", protocol, "-d", JSON.stringify(body)];
  if (protocol === "grpc") args.push("--http2-prior-knowledge");
  for (const h of headers) args.push("-H", h);
  args.push(`http://${ADDR}/${method}`);
  const r = spawnSync(BUF, args, { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.error, undefined, String(r.error));
  // Each response message is one pretty-printed JSON document.
  const docs = r.stdout.trim() ? r.stdout.trim().split(/\n(?=\{)/).map((d) => JSON.parse(d)) : [];
  const stderr = r.stderr.trim();
  let error = null;
  if (stderr.startsWith("{")) error = JSON.parse(stderr);
  return { status: r.status, docs, error, stderr };
}

function sameOnEveryProtocol(method, body, headers) {
  const results = Object.fromEntries(PROTOCOLS.map((p) => [p, curl(p, method, body, headers)]));
  const [first, ...rest] = PROTOCOLS;
  for (const p of rest) {
    assert.deepEqual(results[p].docs, results[first].docs, `${p} vs ${first} output`);
    assert.equal(results[p].status, results[first].status, `${p} vs ${first} exit code`);
    assert.equal(results[p].error?.code, results[first].error?.code, `${p} vs ${first} code`);
    assert.equal(results[p].error?.message, results[first].error?.message, `${p} message`);
  }
  return results[first];
}

describe("buf curl", () => {
  test("unary: the same book on every protocol", () => {
    const r = sameOnEveryProtocol("library.v1.BookService/GetBook", {
      name: "shelves/fiction/books/left-hand",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.docs.length, 1);
    assert.equal(r.docs[0].title, "The Left Hand of Darkness");
    assert.equal(r.docs[0].publishTime, "1969-03-01T00:00:00Z");
  });

  test("unary: 64-bit integers as strings, wrappers as plain values", () => {
    const r = sameOnEveryProtocol("library.admin.v1.AdminService/GetLegacyRecord", {
      recordId: "42",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.docs[0].legacyId, "9007199254740993");
    assert.equal(r.docs[0].circulationCount, 0);
    assert.equal(r.docs[0].importTime, "2001-09-09T01:46:40.500Z");
  });

  test("validation error: same code, message and BadRequest detail", () => {
    const r = sameOnEveryProtocol("library.v1.BookService/ListBooks", {
      shelf: "fiction",
      pageSize: 5000,
    });
    assert.equal(r.error.code, "invalid_argument");
    assert.equal(r.status, CODES.invalid_argument * 8, "buf curl exits with code × 8");
    assert.equal(
      r.error.message,
      "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]",
    );
    assert.equal(r.error.details[0].type, "google.rpc.BadRequest");
  });

  test("handler error and bad token", () => {
    const missing = sameOnEveryProtocol("library.v1.BookService/GetBook", {
      name: "shelves/poetry/books/nope",
    });
    assert.deepEqual(
      [missing.error.code, missing.error.message],
      ["not_found", "book `shelves/poetry/books/nope` does not exist"],
    );
    const forged = sameOnEveryProtocol(
      "library.v1.BookService/GetBook",
      { name: "shelves/fiction/books/dune" },
      ["Authorization: Bearer forged"],
    );
    assert.deepEqual([forged.error.code, forged.error.message], ["unauthenticated", "invalid token"]);
  });

  test("server streaming: every event, then the error, on every protocol", () => {
    const ok = sameOnEveryProtocol("library.v1.BookService/WatchBooks", { shelf: "fiction" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(
      ok.docs.map((d) => d.resumeToken),
      ["fiction-0", "fiction-1", "fiction-2", "fiction-end"],
    );
    const faulty = sameOnEveryProtocol("library.v1.BookService/WatchBooks", { shelf: "faulty" });
    assert.deepEqual(
      faulty.docs.map((d) => d.resumeToken),
      ["faulty-0", "faulty-end"],
    );
    assert.equal(faulty.error.code, "data_loss");
    assert.equal(faulty.status, CODES.data_loss * 8);
  });

  // What a new user types: no --schema, so buf resolves the schema through server reflection,
  // a bidi stream on the chosen protocol (Connect by default, half duplex over HTTP/1.1).
  const REFLECTING = {
    "connect (buf's default, HTTP/1.1)": [],
    "connect over HTTP/2": ["--protocol", "connect", "--http2-prior-knowledge"],
    grpc: ["--protocol", "grpc", "--http2-prior-knowledge"],
    grpcweb: ["--protocol", "grpcweb"],
  };
  for (const [name, protocol] of Object.entries(REFLECTING)) {
    test(`server reflection over ${name}: list services, call without a schema, health check`, () => {
      const reflect = (...args) =>
        spawnSync(BUF, ["curl", ...protocol, ...args], { encoding: "utf8", timeout: 30_000 });
      const list = reflect("--list-services", `http://${ADDR}`);
      assert.equal(list.status, 0, list.stderr);
      const services = list.stdout.trim().split("\n");
      for (const s of [
        "library.v1.BookService",
        "library.v1.LoanService",
        "library.admin.v1.AdminService",
        "grpc.health.v1.Health",
      ]) {
        assert.ok(services.includes(s), `${s} in ${services}`);
      }
      const book = reflect(
        "-d", JSON.stringify({ name: "shelves/fiction/books/dune" }),
        `http://${ADDR}/library.v1.BookService/GetBook`,
      );
      assert.equal(book.status, 0, book.stderr);
      assert.equal(JSON.parse(book.stdout).title, "Dune");
      for (const service of ["", "library.v1.BookService"]) {
        const health = reflect("-d", JSON.stringify({ service }), `http://${ADDR}/grpc.health.v1.Health/Check`);
        assert.equal(health.status, 0, health.stderr);
        assert.deepEqual(JSON.parse(health.stdout), { status: "SERVING" });
      }
    });
  }

  test("client streaming over gRPC", () => {
    const r = spawnSync(
      BUF,
      [
        "curl", "--schema", DESCRIPTORS, "--protocol", "grpc", "--http2-prior-knowledge",
        "-d", "@-",
        `http://${ADDR}/library.admin.v1.AdminService/BulkImportBooks`,
      ],
      {
        encoding: "utf8",
        timeout: 30_000,
        input:
          JSON.stringify({ shelf: "poetry", book: { name: "buf-1", title: "Buf Poems" } }) +
          "\n" +
          JSON.stringify({ shelf: "poetry", book: { name: "buf-1", title: "Again" } }),
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.importedCount, 1);
    assert.deepEqual(summary.failures, [
      { index: 1, message: "book `shelves/poetry/books/buf-1` already exists" },
    ]);
  });
});
