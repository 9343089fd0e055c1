// The bundled ASN data: ip-location-db's `@ip-location-db/asn` (CC BY 4.0), turned into a
// compact table by `npm run build` (dist/data/asn-table.bin). When that file is missing (a
// test build, a bare `tsc`), the table is built from the package's CSVs in memory instead,
// once per process: slower (about a second) but the same answers.

import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsnTable, dateFromVersion, readAsnTable, type AsnTable } from './asn-table.js';

/** Name of the npm package the bundled ASN data comes from. */
export const BUNDLED_ASN = '@ip-location-db/asn';

/** Where `npm run build` writes the compact table, next to the compiled modules. */
export function bundledAsnTablePath(): string {
  return fileURLToPath(new URL('../data/asn-table.bin', import.meta.url));
}

/** Builds the compact table from the installed package's CSV files (build step and fallback). */
export function buildBundledAsnTable(): Uint8Array {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve(`${BUNDLED_ASN}/package.json`);
  const dir = path.dirname(pkgFile);
  const version = String((JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown }).version ?? '');
  return buildAsnTable(
    readFileSync(path.join(dir, 'asn-ipv4-num.csv'), 'utf8'),
    readFileSync(path.join(dir, 'asn-ipv6-num.csv'), 'utf8'),
    { source: BUNDLED_ASN, version: version === '' ? undefined : version, buildDate: dateFromVersion(version) },
  );
}

let fallback: AsnTable | undefined;

/** Loads the bundled table: the prebuilt file, else (once per process) the CSVs. */
export async function loadBundledAsn(): Promise<AsnTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(bundledAsnTablePath());
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    fallback ??= readAsnTable(buildBundledAsnTable());
    return fallback;
  }
  return readAsnTable(bytes);
}
