// Speed of the JavaScript peers on the same text as ayak-tok, for tests/bench/tok.sh:
//   node tok-speed.mjs tiktoken:NAME FILE.jsonl       tiktoken (npm, WASM) encode_ordinary
//   node tok-speed.mjs TOKENIZER_JSON FILE.jsonl      tokenizers.js encode
// Prints one JSON object: bytes of text, tokens, wall and CPU seconds spent encoding (reading
// the file, parsing JSON and starting node are not counted), MB/s and MB per CPU second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const peers = process.env.AYAK_PEERS || path.join(os.homedir(), '.cache', 'ayak-peers');
const req = createRequire(path.join(peers, 'package.json'));
const load = async (name) => import(pathToFileURL(req.resolve(name)).href);
const [spec, file] = process.argv.slice(2);
let enc;
if (spec.startsWith('tiktoken:')) {
  const t = await load('tiktoken');
  const e = (t.get_encoding || t.default.get_encoding)(spec.slice(9));
  enc = (s) => e.encode_ordinary(s).length;
} else {
  const m = await load('@huggingface/tokenizers');
  const Tokenizer = m.Tokenizer || m.default.Tokenizer;
  const tok = new Tokenizer(JSON.parse(fs.readFileSync(spec)), {});
  enc = (s) => tok.encode(s).ids.length;
}
const texts = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
let bytes = 0;
for (const s of texts) bytes += Buffer.byteLength(s);
let tokens = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (const s of texts) tokens += enc(s);
const seconds = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
const cpu = (c.user + c.system) / 1e6;
console.log(JSON.stringify({ bytes, tokens, seconds, cpu, mbps: bytes / 1e6 / seconds, mbpcpu: bytes / 1e6 / cpu }));
