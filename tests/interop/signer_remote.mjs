// An independent remote signer for the tests of avskey's signer API client
// (src/signer/): the Web3Signer eth1 subset (REST publicKeys and sign,
// JSON-RPC eth_accounts / eth_signTransaction / eth_signTypedData) signed with
// ethers, and the Cerberus gRPC subset (signer.v1 SignGeneric / SignG1,
// keymanager.v1 ListKeys / GetKeyMetadata) on @grpc/grpc-js with avskey's
// proto files, signed with @noble/curves' bn254 (grpc_lib.mjs). No avskey
// code runs here. It can be told to misbehave (server.mode):
//   ok          correct answers
//   wrong_sig   a corrupted signature          other_key  a signature by another key
//   truncated   the reply is cut off            short_sig  a 64/40-byte signature
//   slow        answers after 3 s               v01        ECDSA v as 0/1 (valid)
//   refuse      HTTP 403 / PERMISSION_DENIED    tx_field   a transaction with another nonce
//   slow_each   every answer (key look-up and signature) after 700 ms
//   no_apply_hash  REST sign refuses {"applyHash": false} with HTTP 400 (signs data only)
//   wrong_g2    key look-ups give the G2 of another key, and signatures by that key
//               (consistent with each other, so only the G1/G2 check at open catches it)
// Options: {ecdsaKey, blsSk, blsG1, blsG2, token, tls: {cert, key}}.
// Run standalone: node signer_remote.mjs [MODE] (plain, random ports, prints them).
import http from 'node:http';
import https from 'node:https';
import { Wallet, Transaction, keccak256, getBytes, hexlify, Signature } from 'ethers';
import { bn254 } from '@noble/curves/bn254.js';
import { grpc, loadServices, signRef, mulRef, randomScalar, be32, P } from './grpc_lib.mjs';

// gnark-compressed G2 (X.A1 || X.A0, flags 0b10 smallest y, 0b11 largest y;
// "largest" by Y.A1, or by Y.A0 when Y.A1 == 0), from noble's affine point.
export function compressG2(point) {
    const { x, y } = point.toAffine();
    const half = (P - 1n) / 2n;
    const largest = y.c1 !== 0n ? y.c1 > half : y.c0 > half;
    const out = Buffer.concat([be32(x.c1), be32(x.c0)]);
    out[0] |= largest ? 0xc0 : 0x80;
    return out.toString('hex');
}

const hex0x = (b) => '0x' + Buffer.from(b).toString('hex');

export async function startRemote(opts) {
    const wallet = new Wallet(opts.ecdsaKey);
    const other = Wallet.createRandom();
    const otherSk = randomScalar();
    const otherG2 = compressG2(bn254.G2.Point.BASE.multiply(otherSk));
    const g2 = () => (server.mode === 'wrong_g2' ? otherG2 : opts.blsG2);
    const server = { mode: 'ok', calls: 0 };
    const pub = '0x' + wallet.signingKey.publicKey.slice(4);   // 0x04 || X || Y without 04
    const authorized = (v) => !opts.token || v === opts.token || v === 'Bearer ' + opts.token;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

    // ---- Web3Signer eth1 (ethers) ----
    function ecdsaSign(digest) {
        const w = server.mode === 'other_key' ? other : wallet;
        const sig = Buffer.from(getBytes(w.signingKey.sign(digest).serialized));
        if (server.mode === 'wrong_sig') sig[40] ^= 0x01;
        if (server.mode === 'v01') sig[64] -= 27;
        return server.mode === 'short_sig' ? sig.subarray(0, 64) : sig;
    }
    async function rpc(req) {
        const p = req.params || [];
        if (req.method === 'eth_accounts') return [wallet.address.toLowerCase()];
        if (req.method === 'eth_signTransaction') {
            const q = p[0];
            const tx = {
                type: Number(q.type ?? 0), chainId: BigInt(q.chainId), nonce: Number(BigInt(q.nonce)),
                gasLimit: BigInt(q.gas), to: q.to ?? null, value: BigInt(q.value ?? 0), data: q.data ?? '0x',
            };
            if (tx.type === 2) {
                tx.maxFeePerGas = BigInt(q.maxFeePerGas);
                tx.maxPriorityFeePerGas = BigInt(q.maxPriorityFeePerGas);
            } else {
                tx.gasPrice = BigInt(q.gasPrice ?? 0);
            }
            if (tx.type !== 0) tx.accessList = q.accessList ?? [];
            if (server.mode === 'tx_field') tx.nonce += 1;
            const w = server.mode === 'other_key' ? other : wallet;
            return w.signTransaction(Transaction.from(tx));
        }
        if (req.method === 'eth_signTypedData') {
            const td = typeof p[1] === 'string' ? JSON.parse(p[1]) : p[1];
            const types = { ...td.types };
            delete types.EIP712Domain;
            const w = server.mode === 'other_key' ? other : wallet;
            return w.signTypedData(td.domain, types, td.message);
        }
        throw Object.assign(new Error('Method not found'), { code: -32601 });
    }
    async function handle(req, res, body) {
        server.calls++;
        const send = (status, type, text) => { res.writeHead(status, { 'Content-Type': type }); res.end(text); };
        if (!authorized(req.headers.authorization)) return send(401, 'text/plain', 'Unauthorized');
        if (server.mode === 'slow') await sleep(3000);
        if (server.mode === 'slow_each') await sleep(700);
        if (server.mode === 'refuse' && req.url !== '/api/v1/eth1/publicKeys') return send(403, 'text/plain', 'Forbidden by test policy');
        if (req.method === 'GET' && req.url === '/upcheck') return send(200, 'text/plain', 'OK');
        if (req.method === 'GET' && req.url === '/api/v1/eth1/publicKeys') return send(200, 'application/json', JSON.stringify([pub]));
        if (req.method === 'POST' && req.url.startsWith('/api/v1/eth1/sign/')) {
            if (req.url.slice(18).toLowerCase() !== pub) return send(404, 'text/plain', 'Not Found');
            const j = JSON.parse(body);
            if (server.mode === 'no_apply_hash' && j.applyHash === false) return send(400, 'text/plain', 'Bad Request');
            const digest = j.applyHash === false ? j.data : keccak256(j.data);
            const text = hex0x(ecdsaSign(digest));
            if (server.mode === 'truncated') {
                res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': text.length });
                res.write(text.slice(0, 40));
                return setTimeout(() => res.socket.destroy(), 50);
            }
            return send(200, 'text/plain', text);
        }
        if (req.method === 'POST' && req.url === '/') {
            const r = JSON.parse(body);
            try {
                let result = await rpc(r);
                if (r.method === 'eth_signTypedData') {
                    const sig = Buffer.from(getBytes(Signature.from(result).serialized));
                    if (server.mode === 'wrong_sig') sig[40] ^= 1;
                    if (server.mode === 'v01') sig[64] -= 27;
                    result = hexlify(sig);
                }
                if (server.mode === 'truncated') {
                    const text = JSON.stringify({ jsonrpc: '2.0', id: r.id, result });
                    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length });
                    res.write(text.slice(0, 30));
                    return setTimeout(() => res.socket.destroy(), 50);
                }
                return send(200, 'application/json', JSON.stringify({ jsonrpc: '2.0', id: r.id, result }));
            } catch (e) {
                return send(200, 'application/json', JSON.stringify({ jsonrpc: '2.0', id: r.id, error: { code: e.code ?? -32000, message: e.message } }));
            }
        }
        return send(404, 'text/plain', 'Not Found');
    }
    const onRequest = (req, res) => {
        let body = '';
        req.on('data', (d) => { body += d; });
        req.on('end', () => { handle(req, res, body).catch((e) => { res.writeHead(500); res.end(String(e)); }); });
    };
    const httpServer = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : http.createServer(onRequest);
    await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));

    // ---- Cerberus (grpc-js + noble bn254) ----
    const svc = loadServices();
    const g = new grpc.Server();
    const wrap = (fn) => async (call, cb) => {
        server.calls++;
        const tok = call.metadata.get('authorization')[0];
        if (!authorized(tok)) return cb({ code: grpc.status.UNAUTHENTICATED, details: 'bad token' });
        if (server.mode === 'slow') await sleep(3000);
        if (server.mode === 'slow_each') await sleep(700);
        try { cb(null, await fn(call.request)); } catch (e) { cb(e); }
    };
    const keyCheck = (id) => {
        if (String(id).replace(/^0x/, '').toLowerCase() !== opts.blsG1)
            throw { code: grpc.status.NOT_FOUND, details: 'no such key' };
    };
    const blsSig = (compute, data) => {
        if (server.mode === 'refuse') throw { code: grpc.status.PERMISSION_DENIED, details: 'refused by test policy' };
        let sig = compute(server.mode === 'other_key' || server.mode === 'wrong_g2' ? otherSk : opts.blsSk, data);
        if (server.mode === 'wrong_sig') sig = signRef(opts.blsSk, Buffer.from('something else'));  // a valid point, not the answer
        if (server.mode === 'truncated' || server.mode === 'short_sig') sig = sig.subarray(0, 40);
        return { signature: sig };
    };
    g.addService(svc.Signer.service, {
        SignGeneric: wrap(async (r) => { keyCheck(r.public_key_g1); return blsSig(signRef, r.data); }),
        SignG1: wrap(async (r) => { keyCheck(r.public_key_g1); return blsSig(mulRef, r.data); }),
    });
    g.addService(svc.KeyManager.service, {
        ListKeys: wrap(async () => ({ public_keys: [{ public_key_g1: opts.blsG1, public_key_g2: g2() }] })),
        GetKeyMetadata: wrap(async (r) => {
            keyCheck(r.public_key_g1);
            return { public_key_g1: opts.blsG1, public_key_g2: g2(), created_at: '0', updated_at: '0' };
        }),
    });
    const creds = opts.tls
        ? grpc.ServerCredentials.createSsl(null, [{ private_key: opts.tls.key, cert_chain: opts.tls.cert }], false)
        : grpc.ServerCredentials.createInsecure();
    const grpcPort = await new Promise((res, rej) => g.bindAsync('127.0.0.1:0', creds, (e, port) => (e ? rej(e) : res(port))));
    server.http = `127.0.0.1:${httpServer.address().port}`;
    server.grpc = `127.0.0.1:${grpcPort}`;
    server.address = wallet.address;
    server.close = async () => {
        httpServer.closeAllConnections?.();
        await new Promise((r) => httpServer.close(r));
        await new Promise((r) => g.tryShutdown(r));
    };
    return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
    const { EIGENSDK_G1, EIGENSDK_G2 } = await import('./grpc_lib.mjs');
    const s = await startRemote({
        ecdsaKey: '0x86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3',
        blsSk: 13718104057011380243349384062412322292853638010146548074368241565852610884213n,
        blsG1: EIGENSDK_G1, blsG2: EIGENSDK_G2,
    });
    s.mode = process.argv[2] || 'ok';
    console.log(JSON.stringify({ http: s.http, grpc: s.grpc, mode: s.mode }));
}
