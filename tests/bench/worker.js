// Figures for docs/benchmarks.md: the extension's wasm worker (the same
// file as dist/chrome/wasm) under node, with a vault of N entries.
// Run: node bench/worker.js [N]   (after `cargo xtask dist`)
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { performance } from "node:perf_hooks";

import { ROOT, CHROME_ID } from "../e2e/harness.js";

const wasmDir = path.join(ROOT, "dist/chrome/wasm");
const mod = await import(path.join(wasmDir, "latchkey_extension.js"));
const bytes = fs.readFileSync(path.join(wasmDir, "latchkey_extension_bg.wasm"));
const exports = mod.initSync({ module: bytes });

const N = Number(process.argv[2] ?? 10_000);
const BASE = `chrome-extension://${CHROME_ID}/`;
const POPUP = JSON.stringify({ id: CHROME_ID, url: `${BASE}popup.html` });
const PASS = "benchmark passphrase";

function ask(worker, request) {
  const reply = JSON.parse(worker.handle(JSON.stringify(request), POPUP, Date.now()));
  if (reply.type === "error" || reply.type === "refused") throw new Error(JSON.stringify(reply));
  return reply;
}

const ms = (t0) => (performance.now() - t0).toFixed(1);

console.log(`wasm: ${bytes.length} bytes raw, ${zlib.gzipSync(bytes, { level: 9 }).length} gzipped`);

let t0 = performance.now();
const first = new mod.Worker(CHROME_ID, BASE);
ask(first, { type: "create_vault", name: "bench", passphrase: PASS });
console.log(`create member and vault (Argon2id 64 MiB, RSA-2048): ${ms(t0)} ms`);

t0 = performance.now();
const entries = Array.from({ length: N }, (_, i) => ({
  title: `Entry ${i}`, username: `user${i}`, password: `pw-${i}`,
  urls: [`https://login.site${i % 2500}.test/`],
}));
ask(first, { type: "import", entries });
const store = first.takeChanges();
console.log(`import ${N} entries: ${ms(t0)} ms; store ${store.length} bytes`);
t0 = performance.now();
ask(first, { type: "add_entry", entry: { title: "one more", urls: ["https://x.example/"] } });
console.log(`add one entry to ${N}: ${ms(t0)} ms`);
first.free();

const worker = new mod.Worker(CHROME_ID, BASE);
t0 = performance.now();
worker.load(store);
console.log(`load the store (parse ${N} entries' records): ${ms(t0)} ms`);

t0 = performance.now();
ask(worker, { type: "unlock", passphrase: PASS });
const unlocked = performance.now() - t0;
t0 = performance.now();
const list = ask(worker, { type: "list", site: "https://www.site7.test/", query: "" });
const listed = performance.now() - t0;
console.log(`unlock (Argon2id + open + verify head): ${unlocked.toFixed(1)} ms`);
console.log(`first list for the popup, ${list.entries.length} entries, site first: ${listed.toFixed(1)} ms`);

t0 = performance.now();
const found = ask(worker, { type: "list", query: "Entry 9999" });
console.log(`search over ${N}: ${ms(t0)} ms (${found.entries.length} hits)`);

console.log(`wasm memory with ${N} entries unlocked: ${(exports.memory.buffer.byteLength / 2 ** 20).toFixed(1)} MiB`);

t0 = performance.now();
ask(worker, { type: "list", site: "https://www.site7.test/", query: "" });
console.log(`second list, ${N} entries: ${ms(t0)} ms`);
t0 = performance.now();
const every = ask(worker, { type: "list", query: "entry" });
console.log(`search matching all ${every.entries.length}: ${ms(t0)} ms`);
t0 = performance.now();
const raw = worker.handle(JSON.stringify({ type: "list", query: "" }), POPUP, Date.now());
console.log(`list without the JSON.parse: ${ms(t0)} ms (${raw.length} bytes)`);
