// Build step run by `npm run build`: writes the bundled ASN table (dist/data/asn-table.bin)
// from the installed `@ip-location-db/asn` CSVs, so the first ASN lookup of a run costs a
// file read instead of a CSV parse. Not part of the banreplay command line.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBundledAsnTable, bundledAsnTablePath } from '../enrich/bundled-asn.js';

const file = bundledAsnTablePath();
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, buildBundledAsnTable());
