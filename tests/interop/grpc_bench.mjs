// Load generator for the gRPC front (not a test; run by hand):
//   node grpc_bench.mjs HOST:PORT KEY_G1 [CONCURRENCY=32] [SECONDS=5] [CONNECTIONS=4]
// Keeps CONCURRENCY SignGeneric calls in flight over CONNECTIONS connections
// for SECONDS and prints throughput and latency percentiles as JSON.
import { grpc, makeClients } from './grpc_lib.mjs';

const [addr, key, conc = '32', secs = '5', conns = '4'] = process.argv.slice(2);
if (!addr || !key) {
    console.error('usage: node grpc_bench.mjs HOST:PORT KEY_G1 [CONCURRENCY] [SECONDS] [CONNECTIONS]');
    process.exit(2);
}
const clients = [];
for (let i = 0; i < Number(conns); i++) clients.push(makeClients(addr, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
const lat = [];
let errors = 0;
const end = Date.now() + Number(secs) * 1000;
const data = Buffer.alloc(32, 7);
function one(signer) {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        signer.SignGeneric({ public_key_g1: key, data }, (err) => {
            if (err) errors++;
            else lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
            resolve();
        });
    });
}
// warm-up
await Promise.all(clients.map((c) => one(c.signer)));
lat.length = 0;
const t0 = Date.now();
await Promise.all(Array.from({ length: Number(conc) }, async (_, i) => {
    const s = clients[i % clients.length].signer;
    while (Date.now() < end) await one(s);
}));
const secsRun = (Date.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
console.log(JSON.stringify({
    calls: lat.length, errors, seconds: secsRun, per_second: Math.round(lat.length / secsRun),
    p50_ms: +pct(0.5).toFixed(3), p99_ms: +pct(0.99).toFixed(3), max_ms: +lat[lat.length - 1].toFixed(3),
    concurrency: Number(conc), connections: Number(conns),
}));
for (const c of clients) c.close();
