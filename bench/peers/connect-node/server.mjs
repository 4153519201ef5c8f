// Benchmark peer: zitadel.auth.v1.AuthService on connect-node, serving gRPC, gRPC-Web and
// Connect over h2c. The service comes from a FileDescriptorSet read at start (no generated
// code); the logic and the tokens follow bench/src/logic.rs and bench/src/auth.rs, so the
// answer checks hold it to the same codes and bodies as the Rust servers.
//
//   node server.mjs --descriptors auth.fds.bin [--port 0] [--users 256]
//
// Prints `listening on 127.0.0.1:PORT` first; stops on SIGTERM or when standard input closes.

import { readFileSync } from "node:fs";
import { createServer } from "node:http2";
import { createHmac, timingSafeEqual } from "node:crypto";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Code, ConnectError } from "@connectrpc/connect";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

function argument(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const descriptors = argument("descriptors");
if (!descriptors) {
  console.error("error: --descriptors FILE (a FileDescriptorSet of schemas/proto) is required");
  process.exit(2);
}
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptors)));
const service = registry.getService("zitadel.auth.v1.AuthService");
const errorDetail = registry.getMessage("zitadel.v1.ErrorDetail");
if (!service || !errorDetail) {
  console.error(`error: ${descriptors} lacks zitadel.auth.v1.AuthService or zitadel.v1.ErrorDetail`);
  process.exit(2);
}
const method = Object.fromEntries(service.methods.map((m) => [m.localName, m]));

// Tokens: bench/src/auth.rs (HS256, issuer, audience, exp with jsonwebtoken's 60 s leeway).
const KEY = Buffer.from("protogate-bench-token-key-32-bytes!!");
const ISSUER = "protogate-bench";
const AUDIENCE = "zitadel.auth.v1";
const LEEWAY = 60;

function verifyToken(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  let header, claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString());
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
  } catch {
    return null;
  }
  if (header?.alg !== "HS256") return null;
  const expected = createHmac("sha256", KEY).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const now = Math.floor(Date.now() / 1000);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (typeof claims.exp !== "number" || claims.exp < now - LEEWAY) return null;
  if (claims.iss !== ISSUER || !audiences.includes(AUDIENCE) || typeof claims.sub !== "string") {
    return null;
  }
  return { id: claims.sub, org: typeof claims.org === "string" ? claims.org : "" };
}

/** The caller, or UNAUTHENTICATED: every phone method needs one. */
function caller(context) {
  const value = context.requestHeader.get("authorization");
  if (value === null) throw new ConnectError("auth header missing", Code.Unauthenticated);
  const space = value.indexOf(" ");
  const scheme = space < 0 ? "" : value.slice(0, space);
  const token = space < 0 ? "" : value.slice(space + 1).trim();
  if (scheme.toLowerCase() !== "bearer" || token === "") {
    throw new ConnectError("authorization header must be `Bearer <token>`", Code.Unauthenticated);
  }
  const user = verifyToken(token);
  if (!user) throw new ConnectError("invalid token", Code.Unauthenticated);
  return user;
}

// Logic: bench/src/logic.rs, ZITADEL's checks in ZITADEL's order.
const SEED_CODE = "H83J3A";
const SEED_ORG = "bench";

function phoneError(code, id, text) {
  return () =>
    new ConnectError(`${text} (${id})`, code, undefined, [
      { desc: errorDetail, value: { id, message: text } },
    ]);
}
const USER_ID_MISSING = phoneError(Code.InvalidArgument, "COMMAND-Km9ds", "User ID missing");
const CODE_EMPTY = phoneError(Code.InvalidArgument, "COMMAND-wMe9f", "Code is empty");
const USER_NOT_FOUND = phoneError(Code.FailedPrecondition, "COMMAND-Rsj8c", "User could not be found");
const CODE_NOT_FOUND = phoneError(Code.NotFound, "COMMAND-Rsj8c", "Code not found");
const CODE_INVALID = phoneError(Code.InvalidArgument, "COMMAND-sM0cs", "Code is invalid");
const PHONE_NOT_FOUND = phoneError(Code.NotFound, "PHONE-NoPhn", "Phone number not found");
const PHONE_INVALID = phoneError(Code.InvalidArgument, "PHONE-Inv4l", "Phone number is invalid");

const nowMicros = () => BigInt(Date.now()) * 1000n;
const users = new Map();
const seeded = Number(argument("users", "256"));
for (let i = 0; i < seeded; i++) {
  const now = nowMicros();
  users.set(`user-${i}`, {
    org: SEED_ORG,
    sequence: 3n,
    created: now,
    changed: now,
    phone: { number: `+41790${String(i).padStart(6, "0")}`, verified: false, code: SEED_CODE },
  });
}

function timestamp(micros) {
  return { seconds: micros / 1000000n, nanos: Number(micros % 1000000n) * 1000 };
}

function withUser(user) {
  if (!user || user.id === "") throw USER_ID_MISSING();
  const state = users.get(user.id);
  if (!state || state.org !== user.org) throw USER_NOT_FOUND();
  return state;
}

function changed(state) {
  state.sequence += 1n;
  const now = nowMicros();
  if (now > state.changed) state.changed = now;
  return { sequence: state.sequence, changeDate: timestamp(state.changed), resourceOwner: state.org };
}

function sameCode(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const runes = (s) => [...s].length;

const impl = {
  healthz() {
    return create(method.healthz.output);
  },
  getMyPhone(_, context) {
    const state = withUser(caller(context));
    const details = {
      sequence: state.sequence,
      creationDate: timestamp(state.created),
      changeDate: timestamp(state.changed),
      resourceOwner: state.org,
    };
    const phone = state.phone && { phone: state.phone.number, isPhoneVerified: state.phone.verified };
    return create(method.getMyPhone.output, { details, phone });
  },
  setMyPhone(request, context) {
    const user = caller(context);
    const phone = request.phone;
    const n = runes(phone);
    if (n < 1 || n > 50) {
      throw new ConnectError(
        "invalid SetMyPhoneRequest.Phone: value length must be between 1 and 50 runes, inclusive",
        Code.InvalidArgument,
      );
    }
    if (!phone.startsWith("+")) {
      throw new ConnectError('invalid SetMyPhoneRequest.Phone: value does not have prefix "+"', Code.InvalidArgument);
    }
    const digits = phone.slice(1);
    if (digits.length < 7 || digits.length > 15 || !/^[0-9]+$/.test(digits)) throw PHONE_INVALID();
    const state = withUser(user);
    state.phone = { number: phone, verified: false, code: SEED_CODE };
    state.sequence += 1n;
    return create(method.setMyPhone.output, { details: changed(state) });
  },
  verifyMyPhone(request, context) {
    const user = caller(context);
    const code = request.code;
    const n = runes(code);
    if (n < 1 || n > 200) {
      throw new ConnectError(
        "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive",
        Code.InvalidArgument,
      );
    }
    if (user.id === "") throw USER_ID_MISSING();
    if (code === "") throw CODE_EMPTY();
    const state = withUser(user);
    const pending = state.phone?.code;
    if (!pending) throw CODE_NOT_FOUND();
    if (!sameCode(pending, code)) {
      state.sequence += 1n;
      throw CODE_INVALID();
    }
    state.phone.verified = true;
    return create(method.verifyMyPhone.output, { details: changed(state) });
  },
  resendMyPhoneVerification(_, context) {
    const state = withUser(caller(context));
    if (!state.phone) throw PHONE_NOT_FOUND();
    state.phone.code = SEED_CODE;
    return create(method.resendMyPhoneVerification.output, { details: changed(state) });
  },
  removeMyPhone(_, context) {
    const state = withUser(caller(context));
    if (!state.phone) throw PHONE_NOT_FOUND();
    state.phone = undefined;
    return create(method.removeMyPhone.output, { details: changed(state) });
  },
};

const handler = connectNodeAdapter({ routes: (router) => router.service(service, impl) });
const server = createServer(handler);
server.listen(Number(argument("port", "0")), "127.0.0.1", () => {
  const { address, port } = server.address();
  process.stdout.write(`listening on ${address}:${port}\n`);
});

function stop() {
  server.close();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
