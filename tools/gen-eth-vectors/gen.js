#!/usr/bin/env node
// Generates avskey's Ethereum test vectors with ethers v6, an implementation
// independent of avskey's C code:
//   tests/vectors/eth/tx.json       eth_signTransaction params -> signing hash, raw signed tx
//   tests/vectors/eth/personal.json EIP-191 messages -> hash
//   tests/vectors/eth/eip712.json   typed data -> EIP-712 hash
// Usage: cd tools/gen-eth-vectors && npm ci && node gen.js [OUTDIR]
// Deterministic (seeded PRNG), so re-running gives the same files.
"use strict";
const fs = require("fs");
const path = require("path");
const { Wallet, Transaction, TypedDataEncoder, hashMessage, getAddress, hexlify } = require("ethers");

const OUT = process.argv[2] || path.join(__dirname, "..", "..", "tests", "vectors", "eth");
// The key the Web3Signer test keystore decrypts to (shared/fixtures/web3signer).
const PRIVATE_KEY = "0x86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3";
const wallet = new Wallet(PRIVATE_KEY);

// xorshift128+ with a fixed seed.
let s0 = 0x9e3779b97f4a7c15n, s1 = 0xbf58476d1ce4e5b9n;
const M64 = (1n << 64n) - 1n;
function next64() {
  let x = s0; const y = s1; s0 = y;
  x ^= (x << 23n) & M64; x ^= x >> 17n; x ^= y ^ (y >> 26n); s1 = x;
  return (s0 + s1) & M64;
}
const rnd = (n) => Number(next64() % BigInt(n));
const chance = (p) => rnd(1000) < p * 1000;
function bytes(n) { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rnd(256); return b; }
function bigBits(bits) { let v = 0n; for (let i = 0; i < bits; i += 64) v = (v << 64n) | next64(); return v & ((1n << BigInt(bits)) - 1n); }
function randUint(maxBits) {
  switch (rnd(6)) {
    case 0: return 0n;
    case 1: return BigInt(rnd(256));
    case 2: return (1n << BigInt(maxBits)) - 1n;
    default: return bigBits(1 + rnd(maxBits));
  }
}
function addr() { return getAddress(hexlify(bytes(20))); }
// A quantity in one of the forms Web3Signer clients send.
function qty(v) {
  const k = rnd(10);
  if (k === 0 && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (k === 1) return v.toString(10);
  if (k === 2) return "0x" + v.toString(16).padStart(v.toString(16).length + 1 + rnd(3), "0");
  if (k === 3) return "0x" + v.toString(16).toUpperCase();
  return "0x" + v.toString(16);
}

// ---- transactions ----
function genTx(i) {
  const kind = i % 3; // 0 legacy, 1 EIP-2930, 2 EIP-1559
  const chainIds = [1n, 5n, 10n, 137n, 17000n, 31337n, 11155111n, 4294967295n, 9007199254740993n, (1n << 62n) + 7n];
  const chainId = chainIds[rnd(chainIds.length)];
  const p = { from: chance(0.5) ? wallet.address : wallet.address.toLowerCase() };
  const t = { type: kind, chainId };
  // ethers keeps the nonce in a JS number: at most 2^53-1.
  t.nonce = chance(0.1) ? 9007199254740991n : randUint(chance(0.5) ? 16 : 53);
  p.nonce = qty(t.nonce); t.nonce = Number(t.nonce);
  if (chance(0.8)) { t.gasLimit = chance(0.1) ? M64 : randUint(chance(0.7) ? 24 : 64); p.gas = qty(t.gasLimit); }
  else t.gasLimit = 90000n; // Web3Signer's DEFAULT_GAS
  if (kind === 2) {
    t.maxPriorityFeePerGas = randUint(256); t.maxFeePerGas = randUint(256);
    // ethers insists on priority <= max (avskey, like Web3Signer, does not check).
    if (t.maxPriorityFeePerGas > t.maxFeePerGas) [t.maxPriorityFeePerGas, t.maxFeePerGas] = [t.maxFeePerGas, t.maxPriorityFeePerGas];
    p.maxPriorityFeePerGas = qty(t.maxPriorityFeePerGas); p.maxFeePerGas = qty(t.maxFeePerGas);
    if (chance(0.5)) p.type = "0x2";
  } else if (chance(0.8)) { t.gasPrice = randUint(256); p.gasPrice = qty(t.gasPrice); }
  else t.gasPrice = 0n; // DEFAULT_GAS_PRICE
  if (chance(0.85)) { t.to = addr(); p.to = chance(0.5) ? t.to : t.to.toLowerCase(); }
  else { t.to = null; if (chance(0.3)) p.to = chance(0.5) ? null : ""; }
  if (chance(0.7)) { t.value = randUint(256); p.value = qty(t.value); } else t.value = 0n;
  const dl = [0, 0, 1, 4, 36, 68, 100, 300, 1000, 5000][rnd(10)];
  t.data = hexlify(bytes(dl));
  if (dl || chance(0.5)) {
    const w = rnd(3);
    if (w === 0) p.data = t.data; else if (w === 1) p.input = t.data; else { p.data = t.data; p.input = t.data; }
  }
  if (kind === 1) {
    if (chance(0.5)) p.type = "0x1";
    t.accessList = genAccessList(p.type ? 0 : 1);
    if (t.accessList.length || chance(0.5) || !p.type) p.accessList = t.accessList;
  } else if (kind === 2) {
    t.accessList = genAccessList(0);
    if (t.accessList.length || chance(0.5)) p.accessList = t.accessList;
  } else if (chance(0.2)) p.type = "0x0";
  if (chance(0.3)) p.chainId = qty(chainId);
  const tx = Transaction.from(t);
  const signingHash = tx.unsignedHash;
  tx.signature = wallet.signingKey.sign(signingHash);
  return { name: `tx${i}_type${kind}`, chainId: chainId.toString(), params: p,
           unsigned: tx.unsignedSerialized, signingHash, signed: tx.serialized };
}
function genAccessList(min) {
  const n = Math.max(min, [0, 0, 1, 2, 3, 8][rnd(6)]);
  const al = [];
  for (let i = 0; i < n; i++) {
    const k = [0, 1, 2, 5][rnd(4)];
    const keys = [];
    for (let j = 0; j < k; j++) keys.push(hexlify(bytes(32)));
    al.push({ address: addr().toLowerCase(), storageKeys: keys });
  }
  return al;
}

// ---- EIP-191 ----
function genPersonal() {
  const out = [];
  const fixed = ["", "hello", "some random data to be signed", "\u00e9t\u00e9 \u2603"];
  for (const m of fixed) { const b = new TextEncoder().encode(m); out.push({ msg: hexlify(b), hash: hashMessage(b) }); }
  for (const n of [1, 9, 10, 31, 32, 33, 99, 100, 101, 1000, 12345]) { const b = bytes(n); out.push({ msg: hexlify(b), hash: hashMessage(b) }); }
  return out;
}

// ---- EIP-712 ----
function typed(name, domain, types, message, opts = {}) {
  const payload = TypedDataEncoder.getPayload(domain, types, message);
  const td = { types: payload.types, primaryType: payload.primaryType, domain, message };
  if (opts.noDomainType) delete td.types.EIP712Domain;
  return { name, typedData: td, hash: TypedDataEncoder.hash(domain, types, message),
           domainSeparator: TypedDataEncoder.hashDomain(domain) };
}
function genTyped() {
  const out = [];
  // The EIP-712 specification's example (eips.ethereum.org/EIPS/eip-712, Example.js).
  const mailDomain = { name: "Ether Mail", version: "1", chainId: 1, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" };
  const mailTypes = { Person: [{ name: "name", type: "string" }, { name: "wallet", type: "address" }],
                      Mail: [{ name: "from", type: "Person" }, { name: "to", type: "Person" }, { name: "contents", type: "string" }] };
  const mail = { from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
                 to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" }, contents: "Hello, Bob!" };
  out.push(typed("eip712_spec_mail", mailDomain, mailTypes, mail));
  out.push(typed("eip712_spec_mail_no_domain_type", mailDomain, mailTypes, mail, { noDomainType: true }));
  // Web3Signer's EthSignTypedDataIntegrationTest "My Dapp"/Person.
  out.push(typed("web3signer_my_dapp",
    { name: "My Dapp", version: "1.0", chainId: 1, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
    { Person: [{ name: "name", type: "string" }, { name: "wallet", type: "address" }] },
    { name: "John Doe", wallet: "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B" }));
  // Arrays of structs, nested arrays (EIP-712 v4), bytes/string, negatives.
  out.push(typed("nested_arrays",
    { name: "Arrays", version: "2", chainId: 17000, verifyingContract: addr(), salt: hexlify(bytes(32)) },
    { Group: [{ name: "name", type: "string" }, { name: "members", type: "Person[]" }, { name: "grid", type: "int16[2][]" },
              { name: "tags", type: "string[][]" }, { name: "blobs", type: "bytes[3]" }],
      Person: [{ name: "name", type: "string" }, { name: "wallets", type: "address[]" }, { name: "id", type: "bytes32" }] },
    { name: "g", members: [{ name: "a", wallets: [addr(), addr()], id: hexlify(bytes(32)) }, { name: "", wallets: [], id: hexlify(bytes(32)) }],
      grid: [[-1, 32767], [-32768, "0"]], tags: [["x", "yy"], [], ["\u00fcml\u00e4ut"]], blobs: ["0x", hexlify(bytes(1)), hexlify(bytes(100))] }));
  out.push(typed("ints_and_bytes", { name: "Ints", chainId: "0x89" },
    { Values: [{ name: "i8", type: "int8" }, { name: "i256min", type: "int256" }, { name: "i256max", type: "int256" },
               { name: "u256", type: "uint256" }, { name: "u8", type: "uint8" }, { name: "neg", type: "int64" },
               { name: "b1", type: "bytes1" }, { name: "b7", type: "bytes7" }, { name: "flag", type: "bool" }, { name: "off", type: "bool" },
               { name: "raw", type: "bytes" }, { name: "text", type: "string" }, { name: "hexneg", type: "int32" }] },
    { i8: -128, i256min: (-(1n << 255n)).toString(), i256max: ((1n << 255n) - 1n).toString(), u256: "0x" + "f".repeat(64),
      u8: 255, neg: "-9007199254740993", b1: "0xab", b7: hexlify(bytes(7)), flag: true, off: false, raw: hexlify(bytes(64)),
      text: "", hexneg: "0x7fffffff" }));
  out.push(typed("domain_only_name", { name: "Only" }, { Empty: [{ name: "x", type: "uint256" }] }, { x: 0 }));
  out.push(typed("domain_salt_only", { salt: hexlify(bytes(32)) }, { S: [{ name: "a", type: "address" }] }, { a: addr() }, { noDomainType: true }));
  // Random schemas: types refer to earlier ones only (no cycles).
  for (let i = 0; i < 40; i++) out.push(randomTyped(i));
  return out;
}
const ATOMS = ["address", "bool", "string", "bytes", "bytes1", "bytes32", "bytes20", "uint8", "uint256", "uint64", "uint24", "int8", "int256", "int40", "int128"];
function randomTyped(i) {
  const nt = 1 + rnd(4);
  const types = {};
  const names = [];
  for (let t = 0; t < nt; t++) {
    const name = "T" + i + "x" + t;
    const fields = [];
    const nf = 1 + rnd(5);
    for (let f = 0; f < nf; f++) {
      let ty = (names.length && chance(0.3)) ? names[rnd(names.length)] : ATOMS[rnd(ATOMS.length)];
      const dims = chance(0.3) ? 1 + rnd(2) : 0;
      for (let d = 0; d < dims; d++) ty += chance(0.5) ? "[]" : "[" + (1 + rnd(3)) + "]";
      fields.push({ name: "f" + f, type: ty });
    }
    types[name] = fields;
    names.push(name);
  }
  // Keep only the types reachable from the last (ethers refuses unused types).
  const primary = names[names.length - 1];
  const used = new Set([primary]);
  const stack = [primary];
  while (stack.length) for (const f of types[stack.pop()]) { const b = f.type.replace(/\[.*$/, ""); if (types[b] && !used.has(b)) { used.add(b); stack.push(b); } }
  for (const n of names) if (!used.has(n)) delete types[n];
  const value = (ty) => {
    const m = ty.match(/^(.*)\[(\d*)\]$/);
    if (m) { const n = m[2] === "" ? rnd(4) : parseInt(m[2]); const a = []; for (let k = 0; k < n; k++) a.push(value(m[1])); return a; }
    if (types[ty]) { const o = {}; for (const f of types[ty]) o[f.name] = value(f.type); return o; }
    if (ty === "address") return chance(0.5) ? addr() : addr().toLowerCase();
    if (ty === "bool") return chance(0.5);
    if (ty === "string") return ["", "a", "hello world", "\u4e2d\u6587", "x".repeat(100)][rnd(5)];
    if (ty === "bytes") return hexlify(bytes(rnd(70)));
    let mm = ty.match(/^bytes(\d+)$/); if (mm) return hexlify(bytes(parseInt(mm[1])));
    mm = ty.match(/^(u?)int(\d+)$/);
    const bits = parseInt(mm[2]);
    if (mm[1] === "u") return qty(randUint(bits));
    let v = randUint(bits - 1);
    if (chance(0.5)) { v = -v - (chance(0.2) ? 1n : 0n); return rnd(2) ? v.toString() : (v >= -9007199254740991n ? Number(v) : v.toString()); }
    return qty(v);
  };
  const domain = { name: "R" + i, version: String(rnd(10)), chainId: [1, 5, 17000][rnd(3)], verifyingContract: addr() };
  return typed("random" + i, domain, types, value(primary));
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const txs = [];
  for (let i = 0; i < 300; i++) txs.push(genTx(i));
  const meta = { generator: "tools/gen-eth-vectors/gen.js (ethers " + require("ethers").version + ")",
                 privateKey: PRIVATE_KEY, address: wallet.address };
  const write = (f, o) => fs.writeFileSync(path.join(OUT, f), JSON.stringify(o, null, 1) + "\n");
  write("tx.json", { ...meta, vectors: txs });
  write("personal.json", { ...meta, vectors: genPersonal() });
  write("eip712.json", { ...meta, vectors: genTyped() });
  console.log(`wrote ${txs.length} transactions to ${OUT}`);
}
main();
