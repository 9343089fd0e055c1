// Makes @jazzer.js/fuzzer's prebuilt Linux x64 addon load on Debian 12 (glibc 2.36, GCC 12's
// libstdc++). The 4.0.0 prebuild was linked on a newer system and needs three newer symbols:
// - __isoc23_strtol/__isoc23_strtoul (GLIBC_2.38): C23 strtol/strtoul, which only add "0b"
//   prefixes for base 0/2 that libFuzzer's flag parsing never meets. Pointed at the suffixes
//   "strtol"/"strtoul" of their own names in .dynstr, versioned GLIBC_2.2.5.
// - std::ios_base_library_init() (GLIBCXX_3.4.32): GCC 13 headers only reference it to pull
//   in iostream initialisation, never call it. Made a weak unversioned import (resolves to 0).
// Those version requirements are then marked weak. Anything else needing them is refused. The
// original is kept beside it as `.orig`; a file without these requirements is left untouched.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const SHT_DYNSYM = 11;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHT_GNU_VERNEED = 0x6ffffffe;
const VER_FLG_WEAK = 0x2;
const STB_WEAK = 2;
const TOO_NEW = new Set(['GLIBC_2.38', 'GLIBCXX_3.4.32']);
const RENAMES = new Map([
  ['__isoc23_strtol', 'strtol'],
  ['__isoc23_strtoul', 'strtoul'],
]);
const WEAKEN = new Set(['_ZSt21ios_base_library_initv']);

function cstr(buf, off) {
  const end = buf.indexOf(0, off);
  return buf.toString('latin1', off, end);
}

/** Patches `file` in place; returns a list of what was changed (empty when nothing applied). */
export function patchGlibc238(file) {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${file}: not a little-endian ELF64 file`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(o + 4),
      offset: Number(b.readBigUInt64LE(o + 0x18)),
      size: Number(b.readBigUInt64LE(o + 0x20)),
      link: b.readUInt32LE(o + 0x28),
      info: b.readUInt32LE(o + 0x2c),
    });
  }
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  const versym = sections.find((s) => s.type === SHT_GNU_VERSYM);
  const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (!dynsym || !versym || !verneed) throw new Error(`${file}: no dynamic symbol versioning`);
  const dynstr = sections[dynsym.link];

  // Version requirements: find GLIBC_2.2.5's index and the too-new entries.
  let base;
  const tooNew = new Map();
  let vn = verneed.offset;
  for (let n = 0; n < verneed.info; n++) {
    const cnt = b.readUInt16LE(vn + 2);
    let aux = vn + b.readUInt32LE(vn + 8);
    for (let k = 0; k < cnt; k++) {
      const name = cstr(b, dynstr.offset + b.readUInt32LE(aux + 8));
      if (name === 'GLIBC_2.2.5') base = b.readUInt16LE(aux + 6);
      if (TOO_NEW.has(name)) tooNew.set(b.readUInt16LE(aux + 6), { aux, name });
      aux += b.readUInt32LE(aux + 12);
    }
    vn += b.readUInt32LE(vn + 12);
  }
  if (tooNew.size === 0) return [];
  if (base === undefined) throw new Error(`${file}: no GLIBC_2.2.5 requirement to reuse`);

  const changes = [];
  const count = dynsym.size / 24;
  for (let i = 0; i < count; i++) {
    const o = dynsym.offset + i * 24;
    const nameOff = b.readUInt32LE(o);
    const name = cstr(b, dynstr.offset + nameOff);
    const ver = tooNew.get(b.readUInt16LE(versym.offset + i * 2) & 0x7fff);
    if (ver === undefined) continue;
    const target = RENAMES.get(name);
    if (target !== undefined) {
      b.writeUInt32LE(nameOff + (name.length - target.length), o); // the suffix of its own name
      b.writeUInt16LE(base, versym.offset + i * 2);
      changes.push(`${name} -> ${target}@GLIBC_2.2.5`);
    } else if (WEAKEN.has(name) && b[o + 6] === 0) {
      b[o + 4] = (STB_WEAK << 4) | (b[o + 4] & 0xf);
      b.writeUInt16LE(1, versym.offset + i * 2);
      changes.push(`${name} made a weak import`);
    } else {
      throw new Error(`${file}: needs ${name}@${ver.name}, which this patch cannot replace`);
    }
  }
  for (const { aux, name } of tooNew.values()) {
    b.writeUInt16LE(b.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
    changes.push(`${name} requirement marked weak`);
  }
  if (!existsSync(`${file}.orig`)) copyFileSync(file, `${file}.orig`);
  writeFileSync(file, b);
  return changes;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(process.argv[1], 'file:').href) {
  for (const f of process.argv.slice(2)) console.log(f, patchGlibc238(f));
}
