// Shared set-up of the node suites: the server address and the library schema's descriptors,
// loaded at run time from the descriptor set run.sh builds (no generated code).

import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary, create, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

export const ADDR = process.env.INTEROP_ADDR;
export const DESCRIPTORS = process.env.INTEROP_DESCRIPTORS;
if (!ADDR || !DESCRIPTORS) {
  throw new Error("INTEROP_ADDR and INTEROP_DESCRIPTORS must be set; run tests/interop/run.sh");
}
export const BASE = `http://${ADDR}`;

export const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTORS)),
);

export function message(typeName, init = {}) {
  return create(registry.getMessage(typeName), init);
}

export function json(typeName, msg) {
  return toJson(registry.getMessage(typeName), msg, { registry });
}

/** The transports under test, each a fresh one (no shared connection between tests). */
export const TRANSPORTS = {
  grpc: () => createGrpcTransport({ baseUrl: BASE }),
  "grpc-web": () => createGrpcWebTransport({ baseUrl: BASE, httpVersion: "1.1" }),
  "grpc-web-h2": () => createGrpcWebTransport({ baseUrl: BASE, httpVersion: "2" }),
  "connect-json": () => createConnectTransport({ baseUrl: BASE, httpVersion: "1.1" }),
  "connect-proto": () =>
    createConnectTransport({ baseUrl: BASE, httpVersion: "1.1", useBinaryFormat: true }),
  "connect-h2": () => createConnectTransport({ baseUrl: BASE, httpVersion: "2" }),
};

export function client(serviceName, transport) {
  return createClient(registry.getService(serviceName), transport);
}

export function bearer(token) {
  return token ? { headers: { authorization: `Bearer ${token}` } } : {};
}
