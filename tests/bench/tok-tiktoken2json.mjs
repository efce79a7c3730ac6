// Turn a tiktoken encoding (from the tiktoken npm package that
// ../shared/bin/install-peers installs) into a Hugging Face tokenizer.json,
// the way Hugging Face converts tiktoken files: the byte-level vocabulary by
// rank, every split of a token into two tokens as a merge (ordered by the
// rank of the token, then of its halves), ignore_merges (tiktoken looks a
// whole piece up first), the encoding's regex as a Split pre-tokenizer, and
// its special tokens as added tokens.
//
//   node tok-tiktoken2json.mjs NAME > tokenizer.json     NAME: gpt2, cl100k_base, o200k_base
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const peers = process.env.AYAK_PEERS || path.join(os.homedir(), '.cache', 'ayak-peers');
const req = createRequire(path.join(peers, 'package.json'));
const name = process.argv[2];
if (!name) { console.error('usage: tok-tiktoken2json.mjs NAME'); process.exit(2); }
const enc = JSON.parse(fs.readFileSync(req.resolve(`tiktoken/encoders/${name}.json`), 'utf8'));

// bpe_ranks: lines "! OFFSET tok tok ..." (base64 tokens, consecutive ranks)
const ranks = new Map();	// latin1 string of the bytes -> rank
const byRank = [];
for (const line of enc.bpe_ranks.split('\n')) {
  if (!line) continue;
  const [, off, ...toks] = line.split(' ');
  let r = Number(off);
  for (const t of toks) {
    const s = Buffer.from(t, 'base64').toString('latin1');
    ranks.set(s, r);
    byRank[r] = s;
    r++;
  }
}

// the GPT-2 byte alphabet
const b2c = [];
{
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (bs.includes(b)) b2c[b] = String.fromCharCode(b);
    else b2c[b] = String.fromCharCode(256 + n++);
  }
}
const mapped = (s) => { let o = ''; for (let i = 0; i < s.length; i++) o += b2c[s.charCodeAt(i)]; return o; };

const vocab = {};
for (let r = 0; r < byRank.length; r++) if (byRank[r] !== undefined) vocab[mapped(byRank[r])] = r;

const merges = [];
for (let r = 0; r < byRank.length; r++) {
  const s = byRank[r];
  if (s === undefined || s.length < 2) continue;
  const local = [];
  for (let i = 1; i < s.length; i++) {
    const a = s.slice(0, i), b = s.slice(i);
    if (ranks.has(a) && ranks.has(b)) local.push([a, b]);
  }
  local.sort((x, y) => ranks.get(x[0]) - ranks.get(y[0]) || ranks.get(x[1]) - ranks.get(y[1]));
  for (const [a, b] of local) merges.push([mapped(a), mapped(b)]);
}

const added = Object.entries(enc.special_tokens).map(([content, id]) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));
const out = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: added,
  normalizer: null,
  pre_tokenizer: {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: enc.pat_str }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges,
  },
};
process.stdout.write(JSON.stringify(out));
