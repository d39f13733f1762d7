// Writes server/src/data/eolSnapshot.json from a data folder's eol.json (endoflife.date's products;
// the shipped snapshot is of 2026-08-22) and image-to-product.json (which product an image is):
// only the products an image maps to, only the fields the eol-version rule and the hover use.
// Run: node scripts/generate-eol.mjs DATA_DIR
import { readFileSync, writeFileSync } from 'node:fs';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node scripts/generate-eol.mjs DATA_DIR (holding eol.json and image-to-product.json)\n');
  process.exit(2);
}
const eol = JSON.parse(readFileSync(`${dir}/eol.json`, 'utf8'));
const mapping = JSON.parse(readFileSync(`${dir}/image-to-product.json`, 'utf8'));
const sources = readFileSync(`${dir}/SOURCES.md`, 'utf8');
const date = /eol\.json[^\n]*?(\d{4}-\d{2}-\d{2})/.exec(sources)?.[1] ?? 'unknown';

const images = {};
for (const [name, product] of Object.entries(mapping.official)) images[`library/${name}`] = product;
for (const [name, product] of Object.entries(mapping.other)) images[name] = product;

// Release codenames, which the snapshot's front matter does not carry, so that `debian:bullseye`,
// `debian:bookworm-slim` and `ubuntu:focal` get their cycle. Only names fixed to one release: the
// moving aliases (`stable`, `oldstable`, `testing`, `sid`, `rolling`, `devel`) are left out, since a
// shipped snapshot would pin them to what they meant on its date. Debian: debian.org/releases;
// Ubuntu: wiki.ubuntu.com/Releases; `stonking` is 26.10 in the official-images ubuntu file.
const CODENAMES = {
  debian: {
    hamm: '2.0',
    slink: '2.1',
    potato: '2.2',
    woody: '3.0',
    sarge: '3.1',
    etch: '4',
    lenny: '5',
    squeeze: '6',
    wheezy: '7',
    jessie: '8',
    stretch: '9',
    buster: '10',
    bullseye: '11',
    bookworm: '12',
    trixie: '13',
    forky: '14',
  },
  ubuntu: {
    warty: '4.10',
    hoary: '5.04',
    breezy: '5.10',
    dapper: '6.06',
    edgy: '6.10',
    feisty: '7.04',
    gutsy: '7.10',
    hardy: '8.04',
    intrepid: '8.10',
    jaunty: '9.04',
    karmic: '9.10',
    lucid: '10.04',
    maverick: '10.10',
    natty: '11.04',
    oneiric: '11.10',
    precise: '12.04',
    quantal: '12.10',
    raring: '13.04',
    saucy: '13.10',
    trusty: '14.04',
    utopic: '14.10',
    vivid: '15.04',
    wily: '15.10',
    xenial: '16.04',
    yakkety: '16.10',
    zesty: '17.04',
    artful: '17.10',
    bionic: '18.04',
    cosmic: '18.10',
    disco: '19.04',
    eoan: '19.10',
    focal: '20.04',
    groovy: '20.10',
    hirsute: '21.04',
    impish: '21.10',
    jammy: '22.04',
    kinetic: '22.10',
    lunar: '23.04',
    mantic: '23.10',
    noble: '24.04',
    oracular: '24.10',
    plucky: '25.04',
    questing: '25.10',
    resolute: '26.04',
    stonking: '26.10',
  },
};

const products = {};
for (const product of new Set(Object.values(images))) {
  const p = eol[product];
  if (!p) continue;
  products[product] = {
    title: p.title,
    cycles: p.releases.map((r) => ({
      cycle: String(r.releaseCycle),
      eol: r.eol,
      releaseDate: r.releaseDate,
      latest: r.latest,
    })),
  };
  if (CODENAMES[product]) products[product].codenames = CODENAMES[product];
}
for (const [image, product] of Object.entries(images)) if (!products[product]) delete images[image];
writeFileSync(
  new URL('../server/src/data/eolSnapshot.json', import.meta.url),
  `${JSON.stringify({ date, source: 'endoflife.date', images, products })}\n`,
);
console.log(`${Object.keys(images).length} images, ${Object.keys(products).length} products, snapshot ${date}`);
