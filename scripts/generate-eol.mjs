// Writes server/src/data/eolSnapshot.json from shared/data/eol.json and image-to-product.json
// (endoflife.date, snapshot of 2026-08-22): only the products an image maps to, only the fields
// the eol-version rule and the hover use. Run: node scripts/generate-eol.mjs [DATA_DIR]
import { readFileSync, writeFileSync } from 'node:fs';

const dir = process.argv[2] ?? new URL('../../shared/data/', import.meta.url).pathname;
const eol = JSON.parse(readFileSync(`${dir}/eol.json`, 'utf8'));
const mapping = JSON.parse(readFileSync(`${dir}/image-to-product.json`, 'utf8'));
const sources = readFileSync(`${dir}/SOURCES.md`, 'utf8');
const date = /eol\.json[^\n]*?(\d{4}-\d{2}-\d{2})/.exec(sources)?.[1] ?? 'unknown';

const images = {};
for (const [name, product] of Object.entries(mapping.official)) images[`library/${name}`] = product;
for (const [name, product] of Object.entries(mapping.other)) images[name] = product;

const products = {};
for (const product of new Set(Object.values(images))) {
  const p = eol[product];
  if (!p) continue;
  products[product] = {
    title: p.title,
    cycles: p.releases.map((r) => ({ cycle: String(r.releaseCycle), eol: r.eol, releaseDate: r.releaseDate, latest: r.latest })),
  };
}
for (const [image, product] of Object.entries(images)) if (!products[product]) delete images[image];
writeFileSync(new URL('../server/src/data/eolSnapshot.json', import.meta.url), `${JSON.stringify({ date, source: 'endoflife.date', images, products })}\n`);
console.log(`${Object.keys(images).length} images, ${Object.keys(products).length} products, snapshot ${date}`);
