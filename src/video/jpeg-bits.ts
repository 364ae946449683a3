// Just enough of baseline JPEG (ITU T.81) to cut an encoded scan into independently decodable
// pieces: marker segments, Huffman tables from a DHT segment, a bit reader over the unstuffed
// entropy-coded data, a bit writer that stuffs, and a walk over one 8x8 block's codes. Pure.

/** A marker segment of a JPEG header: its marker byte (after 0xFF) and its whole bytes. */
export interface JpegSegment {
  marker: number;
  /** the segment including its 0xFF marker and length field */
  bytes: Uint8Array;
}

/** A JPEG split at its start-of-scan: the header segments and the entropy-coded data. */
export interface ParsedJpeg {
  /** segments between SOI and SOS, in order, then the SOS segment itself */
  segments: JpegSegment[];
  /** entropy-coded data after SOS, still byte-stuffed, up to (not including) EOI */
  scan: Uint8Array;
}

export const MARKER = {
  SOI: 0xd8,
  EOI: 0xd9,
  SOF0: 0xc0,
  DHT: 0xc4,
  DQT: 0xdb,
  DRI: 0xdd,
  SOS: 0xda,
  RST0: 0xd0,
} as const;

/** Splits a single-scan baseline JPEG (one SOS, then EOI at the very end) into parts. */
export function parseJpeg(jpeg: Uint8Array): ParsedJpeg {
  if (jpeg[0] !== 0xff || jpeg[1] !== MARKER.SOI) throw new Error('JPEG: no SOI marker');
  const segments: JpegSegment[] = [];
  let offset = 2;
  for (;;) {
    if (offset + 4 > jpeg.length || jpeg[offset] !== 0xff)
      throw new Error(`JPEG: expected a marker at byte ${offset}`);
    const marker = jpeg[offset + 1] as number;
    const length = ((jpeg[offset + 2] as number) << 8) | (jpeg[offset + 3] as number);
    const end = offset + 2 + length;
    if (end > jpeg.length) throw new Error(`JPEG: segment 0xff${marker.toString(16)} is truncated`);
    segments.push({ marker, bytes: jpeg.subarray(offset, end) });
    offset = end;
    if (marker === MARKER.SOS) break;
  }
  if (jpeg[jpeg.length - 2] !== 0xff || jpeg[jpeg.length - 1] !== MARKER.EOI)
    throw new Error('JPEG: does not end with EOI');
  return { segments, scan: jpeg.subarray(offset, jpeg.length - 2) };
}

/** A canonical Huffman table: decoding limits per code length and the code of each symbol. */
export interface HuffmanTable {
  /** largest code of each length 1..16 (-1: none of that length) */
  maxCode: Int32Array;
  /** the first symbol index of each length minus the smallest code of that length */
  valueOffset: Int32Array;
  values: Uint8Array;
  /** symbol -> code, and symbol -> code length (0: symbol absent) */
  codeOf: Uint16Array;
  lengthOf: Uint8Array;
}

/** Reads the tables of one DHT segment, keyed by class * 16 + id (class 0 DC, 1 AC). */
export function parseHuffmanTables(dht: Uint8Array): Map<number, HuffmanTable> {
  const tables = new Map<number, HuffmanTable>();
  let offset = 4;
  while (offset < dht.length) {
    const key = dht[offset] as number;
    const counts = dht.subarray(offset + 1, offset + 17);
    let total = 0;
    for (const count of counts) total += count;
    const values = dht.slice(offset + 17, offset + 17 + total);
    if (values.length !== total) throw new Error('JPEG: DHT segment is truncated');
    offset += 17 + total;
    const maxCode = new Int32Array(17).fill(-1);
    const valueOffset = new Int32Array(17);
    const codeOf = new Uint16Array(256);
    const lengthOf = new Uint8Array(256);
    let code = 0;
    let index = 0;
    for (let length = 1; length <= 16; length++) {
      const count = counts[length - 1] as number;
      valueOffset[length] = index - code;
      for (let i = 0; i < count; i++) {
        const symbol = values[index] as number;
        codeOf[symbol] = code;
        lengthOf[symbol] = length;
        index++;
        code++;
      }
      maxCode[length] = count > 0 ? code - 1 : -1;
      code <<= 1;
    }
    tables.set(key, { maxCode, valueOffset, values, codeOf, lengthOf });
  }
  return tables;
}

/** Removes byte stuffing (0xFF 0x00 -> 0xFF); any other marker inside the data is an error. */
export function unstuff(scan: Uint8Array): Uint8Array {
  const out = new Uint8Array(scan.length);
  let length = 0;
  for (let i = 0; i < scan.length; i++) {
    const byte = scan[i] as number;
    out[length++] = byte;
    if (byte === 0xff) {
      if (scan[i + 1] !== 0) throw new Error(`JPEG: unexpected marker inside the scan at ${i}`);
      i++;
    }
  }
  return out.subarray(0, length);
}

/** Reads bits MSB first from unstuffed entropy-coded data; `position` is in bits. */
export class BitReader {
  readonly data: Uint8Array;
  position = 0;
  constructor(data: Uint8Array) {
    this.data = data;
  }

  /** Reads `count` bits (0..24) as an unsigned number; past the end reads 1-bits (padding). */
  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.data[this.position >>> 3] ?? 0xff;
      value = (value << 1) | ((byte >>> (7 - (this.position & 7))) & 1);
      this.position++;
    }
    return value;
  }

  /** Decodes one Huffman symbol. */
  decode(table: HuffmanTable): number {
    let code = 0;
    for (let length = 1; length <= 16; length++) {
      code = (code << 1) | this.read(1);
      if (code <= (table.maxCode[length] as number))
        return table.values[(table.valueOffset[length] as number) + code] as number;
    }
    throw new Error(`JPEG: invalid Huffman code near bit ${this.position}`);
  }
}

/** Writes bits MSB first, stuffing a 0x00 after every 0xFF byte. */
export class BitWriter {
  #bytes = new Uint8Array(256);
  #length = 0;
  #current = 0;
  #bitCount = 0;

  /** Appends the low `count` bits (0..24) of `value`. */
  write(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.#current = (this.#current << 1) | ((value >>> i) & 1);
      if (++this.#bitCount === 8) this.#flushByte();
    }
  }

  /** Copies bits [from, to) of a reader's data. */
  copy(reader: BitReader, from: number, to: number): void {
    reader.position = from;
    let left = to - from;
    while (left > 0) {
      const count = Math.min(left, 24);
      this.write(reader.read(count), count);
      left -= count;
    }
  }

  /** Pads the last byte with 1-bits (as T.81 asks before a marker) and returns the bytes. */
  finish(): Uint8Array {
    if (this.#bitCount > 0) this.write(0xff, 8 - this.#bitCount);
    return this.#bytes.slice(0, this.#length);
  }

  #flushByte(): void {
    if (this.#length + 2 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes[this.#length++] = this.#current;
    if (this.#current === 0xff) this.#bytes[this.#length++] = 0;
    this.#current = 0;
    this.#bitCount = 0;
  }
}

/** Size category of a DC difference or AC value (number of magnitude bits). */
export function categoryOf(value: number): number {
  let magnitude = value < 0 ? -value : value;
  let category = 0;
  while (magnitude > 0) {
    category++;
    magnitude >>>= 1;
  }
  return category;
}

/** The signed value of `bits` read after a category (T.81 EXTEND). */
export function extend(bits: number, category: number): number {
  return category > 0 && bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;
}

/** Writes a DC difference: its category's Huffman code, then its magnitude bits. */
export function writeDcDifference(writer: BitWriter, table: HuffmanTable, difference: number) {
  const category = categoryOf(difference);
  const length = table.lengthOf[category] as number;
  if (length === 0) throw new Error(`JPEG: no Huffman code for DC category ${category}`);
  writer.write(table.codeOf[category] as number, length);
  if (category > 0)
    writer.write(difference < 0 ? difference + (1 << category) - 1 : difference, category);
}

/** Where one 8x8 block's codes lie in the bit stream and what its DC difference is. */
export interface BlockSpan {
  difference: number;
  /** bit position just after the DC part (where the AC codes start) */
  acStart: number;
  /** bit position just after the block */
  end: number;
}

/** Reads one block's codes (DC difference, then AC run/size codes up to EOB or coefficient 63). */
export function readBlock(reader: BitReader, dc: HuffmanTable, ac: HuffmanTable): BlockSpan {
  const category = reader.decode(dc);
  if (category > 16) throw new Error(`JPEG: bad DC category ${category}`);
  const difference = extend(reader.read(category), category);
  const acStart = reader.position;
  for (let k = 1; k < 64; ) {
    const symbol = reader.decode(ac);
    const run = symbol >>> 4;
    const size = symbol & 15;
    if (size === 0) {
      if (run !== 15) break; // EOB
      k += 16; // ZRL: sixteen zeros
      continue;
    }
    k += run;
    reader.read(size);
    k++;
  }
  return { difference, acStart, end: reader.position };
}
