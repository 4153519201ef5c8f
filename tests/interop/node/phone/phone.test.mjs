// The Verify Phone endpoints of the `verify-phone` server through connect-node's transports
// and `buf curl`: set phone → read the code from the SMS outbox → verify, with the same
// codes, messages and ZITADEL error details on every protocol.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import { ADDR, DESCRIPTORS, TRANSPORTS, bearer, client, registry } from "../test/lib.mjs";

const SERVICE = "zitadel.auth.v1.AuthService";
const ErrorDetail = registry.getMessage("zitadel.v1.ErrorDetail");
const BUF = fileURLToPath(new URL("../node_modules/.bin/buf", import.meta.url));

function cli(...args) {
  return execFileSync(
    process.env.PHONE_SERVER_BIN,
    ["--data-dir", process.env.PHONE_DATA_DIR, ...args],
    { encoding: "utf8", timeout: 30_000 },
  );
}

const tokenFor = (user) => cli("token", "--user", user, "--org", "node-org").trim();

function lastCode(user) {
  const codes = cli("outbox", "--json")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((m) => m.user_id === user)
    .map((m) => m.code);
  assert.ok(codes.length, `no SMS for ${user}`);
  return codes.at(-1);
}

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return ConnectError.from(e);
  }
  assert.fail("the call succeeded");
}

for (const name of ["grpc", "grpc-web", "connect-json", "connect-proto"]) {
  describe(`phone over connect-node ${name}`, () => {
    const phones = client(SERVICE, TRANSPORTS[name]());
    const user = `node-${name}`;

    test("set phone, verify with the code from the outbox, get it verified", async () => {
      const auth = bearer(tokenFor(user));
      const set = await phones.setMyPhone({ phone: "+41 79 123 45 67" }, auth);
      assert.equal(typeof set.details.sequence, "bigint");
      assert.equal(set.details.resourceOwner, "node-org");

      const wrong = await failure(phones.verifyMyPhone({ code: "WRONG1" }, auth));
      assert.equal(wrong.code, Code.InvalidArgument);
      assert.equal(wrong.rawMessage, "Code is invalid (COMMAND-sM0cs)");
      const [detail] = wrong.findDetails(ErrorDetail);
      assert.deepEqual([detail?.id, detail?.message], ["COMMAND-sM0cs", "Code is invalid"]);

      const verified = await phones.verifyMyPhone({ code: lastCode(user) }, auth);
      assert.equal(verified.details.creationDate, undefined);
      const again = await failure(phones.verifyMyPhone({ code: lastCode(user) }, auth));
      assert.deepEqual([again.code, again.rawMessage], [Code.NotFound, "Code not found (COMMAND-Rsj8c)"]);

      const got = await phones.getMyPhone({}, auth);
      assert.deepEqual([got.phone.phone, got.phone.isPhoneVerified], ["+41791234567", true]);
    });

    test("the error table before the handler", async () => {
      const none = await failure(phones.getMyPhone({}));
      assert.deepEqual([none.code, none.rawMessage], [Code.Unauthenticated, "auth header missing"]);
      const auth = bearer(tokenFor(user));
      const empty = await failure(phones.verifyMyPhone({ code: "" }, auth));
      assert.equal(empty.code, Code.InvalidArgument);
      assert.equal(
        empty.rawMessage,
        "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive",
      );
      const prefix = await failure(phones.setMyPhone({ phone: "0791234567" }, auth));
      assert.equal(prefix.rawMessage, 'invalid SetMyPhoneRequest.Phone: value does not have prefix "+"');
    });
  });
}

describe("phone over buf curl", () => {
  for (const protocol of ["grpc", "grpcweb", "connect"]) {
    test(`--protocol ${protocol}: set, verify, get`, () => {
      const user = `buf-${protocol}`;
      const token = tokenFor(user);
      const curl = (method, body) => {
        const args = ["curl", "--schema", DESCRIPTORS, "--protocol", protocol,
          "-H", `authorization: Bearer ${token}`, "-d", JSON.stringify(body)];
        if (protocol === "grpc") args.push("--http2-prior-knowledge");
        args.push(`http://${ADDR}/${SERVICE}/${method}`);
        const r = spawnSync(BUF, args, { encoding: "utf8", timeout: 30_000 });
        return { status: r.status, out: r.stdout.trim() ? JSON.parse(r.stdout) : null,
          err: r.stderr.trim().startsWith("{") ? JSON.parse(r.stderr) : r.stderr };
      };
      const set = curl("SetMyPhone", { phone: "+41 79 123 45 67" });
      assert.equal(set.status, 0, JSON.stringify(set.err));
      assert.match(set.out.details.sequence, /^\d+$/, "uint64 as a JSON string");
      const wrong = curl("VerifyMyPhone", { code: "WRONG1" });
      assert.equal(wrong.err.code, "invalid_argument");
      assert.equal(wrong.err.message, "Code is invalid (COMMAND-sM0cs)");
      assert.equal(wrong.err.details[0].type, "zitadel.v1.ErrorDetail");
      assert.equal(curl("VerifyMyPhone", { code: lastCode(user) }).status, 0);
      const got = curl("GetMyPhone", {});
      assert.deepEqual(got.out.phone, { phone: "+41791234567", isPhoneVerified: true });
    });
  }
});
