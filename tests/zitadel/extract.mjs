#!/usr/bin/env node
// Turns ZITADEL's published API (npm @zitadel/proto, pinned in package.json)
// into a serialized google.protobuf.FileDescriptorSet.
//
//   node extract.mjs OUT.binpb [--only zitadel/admin.proto,zitadel/auth.proto] [--services]
//
// Every `*_pb.js` module under the package's es/ directory is imported; each
// exports one `file_*` GenFile whose `.proto` is the FileDescriptorProto that
// protoc-gen-es embedded (see README.md for what that embedding drops).
// Dependencies are followed through `GenFile.dependencies`, which also pulls in
// the google/protobuf well-known types from @bufbuild/protobuf/wkt.
//
// Files are written in dependency order (depth-first post-order, roots sorted
// by name, imports in declaration order), like `protoc --include_imports`.
// The output is a pure function of the pinned packages: no timestamps, no
// absolute paths, no map iteration order.

import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import { protoCamelCase } from "@bufbuild/protobuf/reflect";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG_ES = join(HERE, "node_modules", "@zitadel", "proto", "es");

function usage(msg) {
  if (msg) process.stderr.write(`extract.mjs: ${msg}\n`);
  process.stderr.write(
    "usage: node extract.mjs OUT.binpb [--only a.proto,b.proto ...] [--services]\n",
  );
  process.exit(2);
}

function parseArgs(argv) {
  let out;
  let only;
  let services = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only" || a.startsWith("--only=")) {
      const v = a === "--only" ? argv[++i] : a.slice("--only=".length);
      if (v === undefined || v === "") usage("--only needs a comma-separated list of .proto names");
      only ??= [];
      only.push(...v.split(",").map((s) => s.trim()).filter((s) => s !== ""));
    } else if (a === "--services") {
      services = true;
    } else if (a === "-h" || a === "--help") {
      usage();
    } else if (a.startsWith("-")) {
      usage(`unknown option ${a}`);
    } else if (out === undefined) {
      out = a;
    } else {
      usage(`unexpected argument ${a}`);
    }
  }
  if (out === undefined) usage("missing OUT path");
  return { out, only, services };
}

// All `*_pb.js` files under dir, as sorted paths relative to dir with "/" separators.
function walkPbModules(dir) {
  const found = [];
  const visit = (d) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) visit(p);
      else if (ent.isFile() && ent.name.endsWith("_pb.js")) found.push(relative(dir, p).split(sep).join("/"));
    }
  };
  visit(dir);
  return found.sort();
}

function isGenFile(v) {
  return typeof v === "object" && v !== null && v.kind === "file" && typeof v.proto === "object" && Array.isArray(v.dependencies);
}

async function loadPackageFiles() {
  let modules;
  try {
    modules = walkPbModules(PKG_ES);
  } catch (e) {
    throw new Error(`cannot read ${PKG_ES} (${e.code ?? e.message}); run npm ci in ${HERE} or use extract.sh`);
  }
  if (modules.length === 0) throw new Error(`no *_pb.js modules under ${PKG_ES}`);
  const roots = [];
  for (const rel of modules) {
    const mod = await import(pathToFileURL(join(PKG_ES, rel)).href);
    const files = Object.keys(mod)
      .sort()
      .filter((k) => k.startsWith("file_") && isGenFile(mod[k]))
      .map((k) => mod[k]);
    const expected = rel.replace(/_pb\.js$/, ".proto");
    if (files.length !== 1 || files[0].proto.name !== expected) {
      throw new Error(`${rel}: expected exactly one GenFile for ${expected}, got [${files.map((f) => f.proto.name).join(", ")}]`);
    }
    roots.push(files[0]);
  }
  return roots;
}

// Name -> DescFile for every file reachable from roots; the same name must
// always be the same descriptor (or at least serialize identically).
function closure(roots) {
  const byName = new Map();
  const stack = [...roots];
  while (stack.length > 0) {
    const f = stack.pop();
    const prev = byName.get(f.proto.name);
    if (prev === f) continue;
    if (prev !== undefined) {
      const a = toBinary(FileDescriptorProtoSchema, prev.proto);
      const b = toBinary(FileDescriptorProtoSchema, f.proto);
      if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
        throw new Error(`two different descriptors for ${f.proto.name}`);
      }
      continue;
    }
    byName.set(f.proto.name, f);
    stack.push(...f.dependencies);
  }
  return byName;
}

// Depth-first post-order from the roots (sorted by name), following each
// file's imports in declaration order. Detects cycles.
function dependencyOrder(rootNames, byName) {
  const order = [];
  const state = new Map(); // name -> "visiting" | "done"
  const visit = (name, from) => {
    const f = byName.get(name);
    if (f === undefined) throw new Error(`${from ?? "--only"}: unknown file ${name}`);
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`import cycle through ${name}`);
    state.set(name, "visiting");
    for (const dep of f.proto.dependency) visit(dep, name);
    state.set(name, "done");
    order.push(f);
  };
  for (const name of [...rootNames].sort()) visit(name);
  return order;
}

// Sanity checks on what protoc-gen-es embedded and @bufbuild/protobuf restored.
function check(order) {
  const seen = new Set();
  let fields = 0;
  let customJsonNames = 0;
  const problems = [];
  const checkMessage = (file, m, prefix) => {
    for (const fld of m.field) {
      fields++;
      if (!fld.jsonName) problems.push(`${file}: ${prefix}${m.name}.${fld.name} has no json_name`);
      else if (fld.jsonName !== protoCamelCase(fld.name)) customJsonNames++;
    }
    checkExtensions(file, m.extension, `${prefix}${m.name}.`);
    for (const n of m.nestedType) checkMessage(file, n, `${prefix}${m.name}.`);
  };
  // protoc-gen-es leaves json_name of extensions alone; protoc always sets it.
  const checkExtensions = (file, exts, prefix) => {
    for (const x of exts) {
      if (!x.jsonName) problems.push(`${file}: extension ${prefix}${x.name} has no json_name`);
    }
  };
  for (const f of order) {
    const p = f.proto;
    p.dependency.forEach((d) => {
      if (!seen.has(d)) problems.push(`${p.name}: import ${d} is not earlier in the set`);
    });
    for (const i of [...p.publicDependency, ...p.weakDependency]) {
      if (i < 0 || i >= p.dependency.length) problems.push(`${p.name}: public/weak dependency index ${i} out of range`);
    }
    p.messageType.forEach((m) => checkMessage(p.name, m, ""));
    checkExtensions(p.name, p.extension, "");
    seen.add(p.name);
  }
  if (problems.length > 0) throw new Error(`descriptor check failed:\n  ${problems.slice(0, 20).join("\n  ")}`);
  return { fields, customJsonNames };
}

async function main() {
  const { out, only, services: listServices } = parseArgs(process.argv.slice(2));
  const roots = await loadPackageFiles();
  const byName = closure(roots);
  const rootNames = only ?? roots.map((f) => f.proto.name);
  for (const n of rootNames) {
    if (!byName.has(n)) {
      const base = n.split("/").pop();
      const names = [...byName.keys()].sort();
      const hint = [
        ...names.filter((k) => k.endsWith(`/${base}`)),
        ...names.filter((k) => !k.endsWith(`/${base}`) && k.includes(base.replace(/\.proto$/, ""))),
      ].slice(0, 5);
      throw new Error(`--only: unknown file ${n}${hint.length ? ` (did you mean ${hint.join(", ")}?)` : ""}`);
    }
  }
  const order = dependencyOrder(rootNames, byName);
  const { fields, customJsonNames } = check(order);

  const set = create(FileDescriptorSetSchema, { file: order.map((f) => f.proto) });
  const bytes = toBinary(FileDescriptorSetSchema, set);

  // Round trip: parse what we wrote and let @bufbuild/protobuf resolve every
  // type reference; throws if anything dangles.
  const reg = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));

  writeFileSync(out, bytes);

  let services = 0;
  let rpcs = 0;
  const perService = [];
  for (const f of order) {
    for (const s of f.services) {
      services++;
      rpcs += s.methods.length;
      perService.push(`${s.typeName}\t${s.methods.length}\t${f.proto.name}`);
    }
  }
  let regFiles = 0;
  for (const _ of reg.files) regFiles++;
  if (regFiles !== order.length) throw new Error(`round trip: ${regFiles} files, expected ${order.length}`);
  if (listServices) process.stderr.write(perService.map((l) => `${l}\n`).join(""));
  process.stderr.write(
    `wrote ${out}: ${order.length} files, ${services} services, ${rpcs} rpcs, ${fields} fields (${customJsonNames} custom json_name), ${bytes.length} bytes\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`extract.mjs: ${e.message ?? e}\n`);
  process.exit(1);
});
