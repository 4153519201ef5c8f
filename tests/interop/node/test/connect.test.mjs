// connect-node's gRPC, gRPC-Web and Connect transports against the library server: the same
// calls give the same answers, codes and messages on every transport.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";
import { TRANSPORTS, bearer, client, json, message, registry } from "./lib.mjs";

const BadRequest = registry.getMessage("google.rpc.BadRequest");

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return ConnectError.from(e);
  }
  assert.fail("the call succeeded");
}

async function collect(stream) {
  const out = [];
  for await (const item of stream) out.push(item);
  return out;
}

const answers = {};

for (const [name, makeTransport] of Object.entries(TRANSPORTS)) {
  describe(`connect-node ${name} transport`, () => {
    const books = client("library.v1.BookService", makeTransport());
    const admin = client("library.admin.v1.AdminService", makeTransport());

    test("unary call returns the seeded book", async () => {
      const book = await books.getBook({ name: "shelves/fiction/books/dune" });
      assert.equal(book.title, "Dune");
      assert.equal(book.physical.wordCount, 188000n);
      const j = json("library.v1.Book", book);
      assert.equal(j.publishTime, "1965-08-01T00:00:00Z");
      answers[name] = j;
      // Every transport decodes exactly the same message.
      for (const other of Object.values(answers)) assert.deepEqual(j, other);
    });

    test("64-bit integers and every wrapper type survive", async () => {
      const record = await admin.getLegacyRecord({ recordId: 42n });
      assert.equal(record.legacyId, 9007199254740993n);
      assert.equal(record.barcode, 18446744073709551615n);
      assert.equal(record.circulationCount, 0, "a present zero wrapper");
      assert.equal(record.isReference, false);
      const sparse = await admin.getLegacyRecord({ recordId: 7n });
      assert.equal(sparse.listPrice, undefined, "an absent wrapper");
      assert.equal(sparse.callNumber, "");
    });

    test("handler errors carry code and message", async () => {
      const err = await failure(books.getBook({ name: "shelves/fiction/books/zzz" }));
      assert.equal(err.code, Code.NotFound);
      assert.equal(err.rawMessage, "book `shelves/fiction/books/zzz` does not exist");
    });

    test("validation errors carry a google.rpc.BadRequest detail", async () => {
      const err = await failure(books.listBooks({ shelf: "fiction", pageSize: 5000 }));
      assert.equal(err.code, Code.InvalidArgument);
      assert.equal(
        err.rawMessage,
        "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]",
      );
      const [bad] = err.findDetails(BadRequest);
      assert.ok(bad, `no BadRequest detail in ${JSON.stringify(err.details)}`);
      assert.deepEqual(
        bad.fieldViolations.map((v) => [v.field, v.description]),
        [["page_size", "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]"]],
      );
    });

    test("a bad token is UNAUTHENTICATED, a good one reaches the handler", async () => {
      const err = await failure(
        books.getBook({ name: "shelves/fiction/books/dune" }, bearer("forged")),
      );
      assert.equal(err.code, Code.Unauthenticated);
      assert.equal(err.rawMessage, "invalid token");
      const denied = await failure(admin.purgeLoans({ states: [4], dryRun: true }, bearer("good")));
      assert.equal(denied.code, Code.PermissionDenied);
      assert.equal(denied.rawMessage, "only librarians with the admin role may purge loans");
      const purge = await admin.purgeLoans({ states: [4], dryRun: true }, bearer("admin"));
      assert.ok(purge.purgedCount >= 0n);
    });

    test("a deadline ends a slow call with DEADLINE_EXCEEDED", async () => {
      const started = Date.now();
      const err = await failure(
        books.getBook({ name: "shelves/slow/books/a" }, { timeoutMs: 300 }),
      );
      assert.equal(err.code, Code.DeadlineExceeded);
      assert.ok(Date.now() - started < 2500, "the call ends at the deadline");
    });

    test("server streaming delivers every event in order", async () => {
      const events = await collect(books.watchBooks({ shelf: "fiction" }));
      assert.deepEqual(
        events.map((e) => e.resumeToken),
        ["fiction-0", "fiction-1", "fiction-2", "fiction-end"],
      );
      assert.equal(events[0].event.case, "created");
      assert.equal(events[3].event.case, "heartbeat");
    });

    test("server streaming error after messages keeps the messages", async () => {
      const got = [];
      const err = await failure(
        (async () => {
          for await (const e of books.watchBooks({ shelf: "faulty" })) got.push(e.resumeToken);
        })(),
      );
      assert.deepEqual(got, ["faulty-0", "faulty-end"]);
      assert.equal(err.code, Code.DataLoss);
      assert.equal(err.rawMessage, "the change log of shelf `faulty` is corrupt");
    });

    test("server streaming validation error comes before any message", async () => {
      const err = await failure(collect(books.watchBooks({ shelf: "NOPE" })));
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /^invalid WatchBooksRequest\.Shelf:/);
    });
  });
}

describe("connect-node streams that need HTTP/2 (gRPC transport)", () => {
  const t = TRANSPORTS.grpc();
  const admin = client("library.admin.v1.AdminService", t);
  const loans = client("library.v1.LoanService", t);

  test("client streaming bulk import", async () => {
    async function* requests() {
      yield { shelf: "poetry", book: { name: "node-bulk-1", title: "The Waste Land" } };
      yield { shelf: "attic", book: { name: "node-bulk-2", title: "Lost" } };
    }
    const summary = await admin.bulkImportBooks(requests());
    assert.equal(summary.importedCount, 1);
    assert.deepEqual(
      summary.failures.map((f) => [f.index, f.message]),
      [[1, "shelf `attic` does not exist"]],
    );
  });

  test("bidi streaming loan desk", async () => {
    async function* requests() {
      yield { action: { case: "identifyPatron", value: { patronId: "node-p" } } };
      yield { action: { case: "scanBarcode", value: "nothing-here" } };
      yield { action: { case: "finish", value: true } };
    }
    const responses = await collect(loans.loanDesk(requests()));
    assert.deepEqual(
      responses.map((r) => [r.result.case, r.result.value]),
      [["errorMessage", "unknown barcode `nothing-here`"]],
    );
  });
});

test("message() builds the same request every transport sends", () => {
  const m = message("library.v1.GetBookRequest", { name: "shelves/a/books/b" });
  assert.deepEqual(json("library.v1.GetBookRequest", m), { name: "shelves/a/books/b" });
});
