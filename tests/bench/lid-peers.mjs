// lid-peers.mjs: run a pretrained JavaScript language identifier over a development set.
//
//   node lid-peers.mjs PEER GOLD.jsonl > predictions.txt
//
// PEER is franc-all, tinyld or eld (found in $AYAK_PEERS/node_modules, as
// ../shared/bin/install-peers installs them).  Writes one ayak-lid label per line of
// GOLD ("-" when the peer's answer has no ayak-lid label, "und" when it gives none),
// then on stderr the seconds spent detecting (start-up and loading excluded) and the
// labels the peer can give (as "supported: a,b,c").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [peer, goldPath] = process.argv.slice(2);
const peers = process.env.AYAK_PEERS || join(process.env.HOME || '/root', '.cache/ayak-peers');
const mods = join(peers, 'node_modules');

// ISO 639-1 (tinyld, eld) and 639-3 (franc) codes to ayak-lid labels.
const ONE = {
  af: 'afr_Latn', ar: 'arb_Arab', az: 'azj_Latn', be: 'bel_Cyrl', bg: 'bul_Cyrl', bn: 'ben_Beng',
  bs: 'bos_Latn', ca: 'cat_Latn', cs: 'ces_Latn', cy: 'cym_Latn', da: 'dan_Latn', de: 'deu_Latn',
  el: 'ell_Grek', en: 'eng_Latn', eo: 'epo_Latn', es: 'spa_Latn', et: 'ekk_Latn', eu: 'eus_Latn',
  fa: 'pes_Arab', fi: 'fin_Latn', fr: 'fra_Latn', ga: 'gle_Latn', gu: 'guj_Gujr', he: 'heb_Hebr',
  hi: 'hin_Deva', hr: 'hrv_Latn', hu: 'hun_Latn', hy: 'hye_Armn', id: 'ind_Latn', is: 'isl_Latn',
  it: 'ita_Latn', ja: 'jpn_Jpan', jv: 'jav_Latn', ka: 'kat_Geor', kk: 'kaz_Cyrl', ko: 'kor_Hang',
  la: 'lat_Latn', lg: 'lug_Latn', lt: 'lit_Latn', lv: 'lvs_Latn', mi: 'mri_Latn', mk: 'mkd_Cyrl',
  mn: 'khk_Cyrl', mr: 'mar_Deva', ms: 'zsm_Latn', nb: 'nob_Latn', nl: 'nld_Latn', nn: 'nno_Latn',
  no: 'nob_Latn', pa: 'pan_Guru', pl: 'pol_Latn', pt: 'por_Latn', ro: 'ron_Latn', ru: 'rus_Cyrl',
  sk: 'slk_Latn', sl: 'slv_Latn', sn: 'sna_Latn', so: 'som_Latn', sq: 'als_Latn', sr: 'srp_Cyrl',
  st: 'sot_Latn', su: 'sun_Latn', sv: 'swe_Latn', sw: 'swh_Latn', ta: 'tam_Taml', te: 'tel_Telu',
  th: 'tha_Thai', tl: 'tgl_Latn', tn: 'tsn_Latn', tr: 'tur_Latn', ts: 'tso_Latn', uk: 'ukr_Cyrl',
  ur: 'urd_Arab', vi: 'vie_Latn', xh: 'xho_Latn', yo: 'yor_Latn', zh: 'zho_Hans', zu: 'zul_Latn',
};
const THREE = {
  afr: 'afr_Latn', arb: 'arb_Arab', azj: 'azj_Latn', bel: 'bel_Cyrl', bul: 'bul_Cyrl', ben: 'ben_Beng',
  bos: 'bos_Latn', cat: 'cat_Latn', ces: 'ces_Latn', cym: 'cym_Latn', dan: 'dan_Latn', deu: 'deu_Latn',
  ell: 'ell_Grek', eng: 'eng_Latn', epo: 'epo_Latn', spa: 'spa_Latn', ekk: 'ekk_Latn', est: 'ekk_Latn',
  eus: 'eus_Latn', pes: 'pes_Arab', fin: 'fin_Latn', fra: 'fra_Latn', gle: 'gle_Latn', guj: 'guj_Gujr',
  heb: 'heb_Hebr', hin: 'hin_Deva', hrv: 'hrv_Latn', hun: 'hun_Latn', hye: 'hye_Armn', ind: 'ind_Latn',
  isl: 'isl_Latn', ita: 'ita_Latn', jpn: 'jpn_Jpan', jav: 'jav_Latn', kat: 'kat_Geor', kaz: 'kaz_Cyrl',
  kor: 'kor_Hang', lat: 'lat_Latn', lug: 'lug_Latn', lit: 'lit_Latn', lvs: 'lvs_Latn', lav: 'lvs_Latn',
  mri: 'mri_Latn', mkd: 'mkd_Cyrl', khk: 'khk_Cyrl', mar: 'mar_Deva', zsm: 'zsm_Latn', zlm: 'zsm_Latn',
  nob: 'nob_Latn', nld: 'nld_Latn', nno: 'nno_Latn', pan: 'pan_Guru', pol: 'pol_Latn', por: 'por_Latn',
  ron: 'ron_Latn', rus: 'rus_Cyrl', slk: 'slk_Latn', slv: 'slv_Latn', sna: 'sna_Latn', som: 'som_Latn',
  als: 'als_Latn', srp: 'srp_Cyrl', sot: 'sot_Latn', sun: 'sun_Latn', swe: 'swe_Latn', swh: 'swh_Latn',
  tam: 'tam_Taml', tel: 'tel_Telu', tha: 'tha_Thai', tgl: 'tgl_Latn', tsn: 'tsn_Latn', tur: 'tur_Latn',
  tso: 'tso_Latn', ukr: 'ukr_Cyrl', urd: 'urd_Arab', vie: 'vie_Latn', xho: 'xho_Latn', yor: 'yor_Latn',
  cmn: 'zho_Hans', zul: 'zul_Latn', min: 'min_Latn', ace: 'ace_Latn', bjn: 'bjn_Latn', ban: 'ban_Latn',
  bbc: 'bbc_Latn', bug: 'bug_Latn', mad: 'mad_Latn', nij: 'nij_Latn',
};

async function load(name) {
  // Packages that export only an "import" entry cannot be resolved with require.resolve.
  const pkg = JSON.parse(readFileSync(join(mods, name, 'package.json'), 'utf8'));
  let entry = pkg.exports && pkg.exports['.'];
  if (entry && typeof entry === 'object') entry = entry.import || entry.default || entry.node;
  if (typeof entry !== 'string') entry = pkg.module || pkg.main || 'index.js';
  return import(pathToFileURL(join(mods, name, entry)).href);
}

let detect, supported;
if (peer === 'franc-all') {
  const franc = await load('franc-all');
  detect = (t) => THREE[franc.franc(t)] || (franc.franc(t) === 'und' ? 'und' : '-');
  supported = Object.values(THREE);
} else if (peer === 'tinyld') {
  const tinyld = await load('tinyld');
  detect = (t) => { const c = tinyld.detect(t); return c ? (ONE[c] || '-') : 'und'; };
  supported = Object.values(ONE);
} else if (peer === 'eld') {
  const mod = await load('eld');
  const eld = mod.eld.newInstance ? mod.eld.newInstance() : mod.eld;
  await eld.load('large');
  detect = (t) => { const c = eld.detect(t).language; return c ? (ONE[c] || '-') : 'und'; };
  supported = Object.values(ONE);
} else {
  console.error('usage: lid-peers.mjs franc-all|tinyld|eld GOLD.jsonl');
  process.exit(2);
}
const texts = readFileSync(goldPath, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);
const out = [];
const t0 = process.hrtime.bigint();
for (const t of texts) out.push(detect(t));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(out.join('\n') + '\n');
console.error(`seconds: ${secs.toFixed(3)}`);
console.error(`supported: ${[...new Set(supported)].join(',')}`);
