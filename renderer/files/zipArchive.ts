// Reading a zip the user chose without holding it in memory. The central directory at the end of the
// archive lists every entry with its sizes; it is read through Blob.slice, so the whole list can be checked
// before anything is sent, and each entry is then read and inflated (fflate) on its own, one at a time.
// fflate's `unzip` wants the whole archive in memory, and its streaming `Unzip` meets entries in archive
// order and knows the list only at the end: too late to refuse a bad zip before a byte has been sent.
import { inflateSync, strFromU8 } from 'fflate';

/** What can be read in ranges: a File, a Blob (in the page and in Node). */
export interface RangeSource {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface ZipEntry {
  /** The name as stored ("flowers/roses/a.png"); `/` separates folders. */
  name: string;
  /** Unpacked bytes as the archive declares them: reading an entry never yields more. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflated; others are refused when read. */
  method: number;
  crc: number;
  encrypted: boolean;
  /** Where the entry's local header starts. */
  offset: number;
}

/** A zip that cannot be read; the message says what to do. */
export class ZipError extends Error {
  override name = 'ZipError';
}

const notAZip = (why: string) => new ZipError(`The file is not a readable zip archive (${why}); make the zip again from the folder of class folders.`);

async function bytes(source: RangeSource, start: number, end: number): Promise<DataView> {
  if (start < 0 || end > source.size || start > end) throw notAZip('an entry points past the end of the file');
  return new DataView(await source.slice(start, end).arrayBuffer());
}

const u64 = (view: DataView, at: number) => Number(view.getBigUint64(at, true));

/** Where the central directory is and how many entries it lists (ZIP64 included). */
async function findDirectory(source: RangeSource): Promise<{ offset: number; size: number; count: number }> {
  // The end record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const tailStart = Math.max(0, source.size - 22 - 65_535);
  const tail = await bytes(source, tailStart, source.size);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      at = i;
      break;
    }
  }
  if (at < 0) throw notAZip('no zip directory at its end: it may be cut short or not a zip at all');
  let count = tail.getUint16(at + 10, true);
  let size = tail.getUint32(at + 12, true);
  let offset = tail.getUint32(at + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: a locator just before the end record points at the 64-bit end record.
    const locator = tailStart + at - 20;
    const loc = await bytes(source, locator, locator + 20);
    if (loc.getUint32(0, true) !== 0x07064b50) throw notAZip('its ZIP64 directory is missing');
    const end64At = u64(loc, 8);
    const end64 = await bytes(source, end64At, end64At + 56);
    if (end64.getUint32(0, true) !== 0x06064b50) throw notAZip('its ZIP64 directory is damaged');
    count = u64(end64, 32);
    size = u64(end64, 40);
    offset = u64(end64, 48);
  }
  if (offset + size > source.size) throw notAZip('its directory points past the end of the file');
  return { offset, size, count };
}

/** The entries of a zip, from its central directory (nothing is inflated). */
export async function readZipEntries(source: RangeSource): Promise<ZipEntry[]> {
  if (source.size < 22) throw notAZip('it is too short to be a zip');
  const dir = await findDirectory(source);
  const view = await bytes(source, dir.offset, dir.offset + dir.size);
  const raw = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < dir.count; i++) {
    if (at + 46 > view.byteLength || view.getUint32(at, true) !== 0x02014b50) throw notAZip('its directory is damaged');
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength > view.byteLength) throw notAZip('its directory is damaged');
    // Bit 11: the name is UTF-8; otherwise it is in the old DOS code page, read here as Latin-1.
    const name = strFromU8(raw.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) === 0);
    let size = view.getUint32(at + 24, true);
    let compressedSize = view.getUint32(at + 20, true);
    let offset = view.getUint32(at + 42, true);
    // ZIP64 extra field: 64-bit values for exactly the fields that read 0xffffffff, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let v = e + 4;
        if (size === 0xffffffff) { size = u64(view, v); v += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = u64(view, v); v += 8; }
        if (offset === 0xffffffff) offset = u64(view, v);
      }
      e += 4 + length;
    }
    entries.push({ name, size, compressedSize, method: view.getUint16(at + 10, true), crc: view.getUint32(at + 16, true), encrypted: (flags & 1) !== 0, offset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * One entry's bytes, unpacked. Never more than the size the directory declares (a zip bomb is cut off, then
 * refused by its checksum); a damaged entry is refused with its name.
 */
export async function readZipEntry(source: RangeSource, entry: ZipEntry): Promise<Uint8Array> {
  const damaged = (why: string) => new ZipError(`"${entry.name}" in the zip is damaged (${why}); make the zip again.`);
  if (entry.encrypted) throw new ZipError(`"${entry.name}" in the zip is password-protected; make the zip again without a password.`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`"${entry.name}" in the zip is packed with a method Modelwright cannot unpack (${entry.method}); make the zip again with ordinary compression (deflate).`);
  const header = await bytes(source, entry.offset, entry.offset + 30);
  if (header.getUint32(0, true) !== 0x04034b50) throw damaged('its header is missing');
  const start = entry.offset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  const packed = new Uint8Array((await bytes(source, start, start + entry.compressedSize)).buffer);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw damaged('its sizes disagree');
    data = packed;
  } else if (entry.size === 0) {
    data = new Uint8Array(0);
  } else {
    try {
      data = inflateSync(packed, { out: new Uint8Array(entry.size) });
    } catch (err) {
      throw damaged((err as Error).message);
    }
    if (data.length !== entry.size) throw damaged('it unpacks to a different size than the zip says');
  }
  if (crc32(data) !== entry.crc) throw damaged('its checksum does not match');
  return data;
}
