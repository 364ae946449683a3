// Encodes RGBA frames to JPEG with jpeg-js, fast enough for synthetic video.
//
// jpeg-js rebuilds its Huffman and category tables on every encode() call (about 20 ms, even for
// an 8x8 image), and a 640x360 frame costs about 28 ms in all: 1.2x realtime at 30 fps. The tiled
// encoder gets far beyond that without touching jpeg-js internals:
// - each frame has a restart interval (DRI) of one tile (k MCUs of one MCU row), so every tile's
//   entropy-coded bytes depend on that tile's pixels only and can be reused;
// - tiles already seen (the plain background above all) come from a cache keyed by their pixels;
// - new tiles of many frames are stacked into one image and encoded by ONE jpeg-js call; its scan
//   is then cut per tile with the Huffman tables of its own DHT, the first DC difference of each
//   tile rebased on zero (what a restart does), and each piece padded to a byte with 1-bits.
// Every DCT, quantization and Huffman code is still jpeg-js's; a decoder gives exactly the pixels
// of a whole-frame jpeg-js encode (the tests check this).
import jpeg from 'jpeg-js';
import { FNV1A_OFFSET_BASIS, fnv1aStep } from '../core/random.ts';
import {
  BitReader,
  BitWriter,
  type HuffmanTable,
  type JpegSegment,
  MARKER,
  parseHuffmanTables,
  parseJpeg,
  readBlock,
  unstuff,
  writeDcDifference,
} from './jpeg-bits.ts';

/** Turns RGBA frames into JPEG frames, keeping their order. */
export interface FrameEncoder {
  /** Takes one width*height*4 RGBA frame (copied as needed: the caller may reuse the buffer);
   * returns the JPEG frames completed by this call, oldest first (none while a batch fills).
   * The frames are built one at a time as the result is iterated. */
  push(rgba: Uint8Array): Iterable<Uint8Array>;
  /** Completes and returns every frame still waiting. */
  finish(): Iterable<Uint8Array>;
  /** How much work the encoder did so far. */
  stats(): EncoderStats;
}

export interface EncoderStats {
  /** calls of jpeg-js encode() */
  jpegCalls: number;
  /** tiles encoded by jpeg-js (cache misses); 0 for the whole-frame encoder */
  tilesEncoded: number;
  /** time spent inside jpeg-js, ms */
  jpegMs: number;
  /** times the tile cache was full and started afresh */
  cacheRestarts: number;
}

export interface FrameEncoderOptions {
  /** frame size, pixels */
  width: number;
  height: number;
  /** JPEG quality 1..100 (jpeg-js scale) */
  quality: number;
  /** tiled encoder: widest tile in MCUs (8 px each), 1..8, default 8 */
  maxTileMcus?: number;
  /** tiled encoder: new tiles per jpeg-js call, 1..8191, default 4096 */
  maxBatchTiles?: number;
  /** tiled encoder: cached tiles kept before the cache starts afresh, default 16384 */
  maxCachedTiles?: number;
}

/** Default JPEG quality: moderate, objects stay within a few levels of their color. */
export const DEFAULT_QUALITY = 75;

/** Widest tile, in MCUs (8 pixels each): wider tiles mean fewer markers but more distinct tiles. */
const DEFAULT_MAX_TILE_MCUS = 8;
/**
 * Each jpeg-js call costs ~20 ms of table setup, so new tiles are batched for as long as possible:
 * a waiting frame is only its list of tile ids (4 bytes a tile). A batch is encoded once
 * frames * tiles per frame reaches this (16 MB of ids; 2000+ frames at 1280x720)...
 */
const MAX_PENDING_TILE_REFS = 4_000_000;
/** ...or this many new tiles (the batch image is 8 * tiles pixels high; JPEG allows 65535). */
const DEFAULT_MAX_BATCH_TILES = 4096;
/** Cached tiles kept before the cache starts afresh (each keeps its pixels: up to 2 KB). */
const DEFAULT_MAX_CACHED_TILES = 16_384;

function checkOptions(options: FrameEncoderOptions): void {
  const { width, height, quality } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`JPEG encoder: bad frame size ${width}x${height}`);
  if (width > 65_500 || height > 65_500)
    throw new RangeError(`JPEG encoder: ${width}x${height} exceeds the JPEG limit of 65500 px`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new RangeError(`JPEG encoder: quality must be an integer from 1 to 100, got ${quality}`);
  const tileMcus = options.maxTileMcus ?? DEFAULT_MAX_TILE_MCUS;
  if (!Number.isInteger(tileMcus) || tileMcus < 1 || tileMcus > 8)
    throw new RangeError(
      `JPEG encoder: maxTileMcus must be an integer from 1 to 8, got ${tileMcus}`,
    );
  const batchTiles = options.maxBatchTiles ?? DEFAULT_MAX_BATCH_TILES;
  if (!Number.isInteger(batchTiles) || batchTiles < 1 || batchTiles > 8191)
    throw new RangeError(`JPEG encoder: maxBatchTiles must be an integer from 1 to 8191`);
  const cachedTiles = options.maxCachedTiles ?? DEFAULT_MAX_CACHED_TILES;
  if (!Number.isInteger(cachedTiles) || cachedTiles < 1)
    throw new RangeError(`JPEG encoder: maxCachedTiles must be a positive integer`);
}

function checkFrame(rgba: Uint8Array, width: number, height: number): void {
  if (rgba.length !== width * height * 4)
    throw new RangeError(
      `JPEG encoder: the frame has ${rgba.length} bytes, expected ${width * height * 4} (${width}x${height} RGBA)`,
    );
}

/** The plain way: one jpeg-js encode() per frame (no restart markers). Slow; a reference. */
export function createWholeFrameEncoder(options: FrameEncoderOptions): FrameEncoder {
  checkOptions(options);
  const { width, height, quality } = options;
  let calls = 0;
  let jpegMs = 0;
  return {
    push(rgba) {
      checkFrame(rgba, width, height);
      calls++;
      const start = performance.now();
      const frame = jpeg.encode({ data: rgba, width, height }, quality).data;
      jpegMs += performance.now() - start;
      return [frame];
    },
    finish: () => [],
    stats: () => ({ jpegCalls: calls, tilesEncoded: 0, jpegMs, cacheRestarts: 0 }),
  };
}

/** The fast way (see the top of this file). Output depends only on the pixels and the quality. */
export function createTiledFrameEncoder(options: FrameEncoderOptions): FrameEncoder {
  checkOptions(options);
  return new TiledEncoder(options);
}

/** Largest divisor of `count` not above `limit`: tiles must not straddle MCU rows. */
function largestDivisor(count: number, limit: number): number {
  for (let divisor = Math.min(limit, count); divisor > 1; divisor--)
    if (count % divisor === 0) return divisor;
  return 1;
}

/** The mask that keeps R, G and B of a pixel read as one 32-bit word, on either endianness.
 * Pixels are read as Int32 so that V8 keeps them small integers (Uint32 > 2^31 become doubles). */
const RGB_MASK = new Int32Array(new Uint8Array([255, 255, 255, 0]).buffer)[0] as number;

interface Tile {
  /** entropy-coded bytes of the tile (stuffed, padded); undefined until its batch is encoded */
  bytes: Uint8Array | undefined;
  /** the tile's pixels (RGB masked), padded to the full tile as jpeg-js pads (edges repeated) */
  pixels: Int32Array;
}

class TiledEncoder implements FrameEncoder {
  readonly #width: number;
  readonly #height: number;
  readonly #quality: number;
  readonly #tileWidth: number;
  readonly #tileMcus: number;
  readonly #tilesPerRow: number;
  readonly #tileCount: number;
  readonly #maxBatchTiles: number;
  readonly #maxCachedTiles: number;
  /** SOI .. SOS of every frame (with DRI), built from the first batch's jpeg-js header */
  #header: Uint8Array = new Uint8Array(0);
  /** per scan component (Y, Cb, Cr): DC and AC Huffman tables */
  #dcTables: HuffmanTable[] = [];
  #acTables: HuffmanTable[] = [];

  #tiles: Tile[] = [];
  #flatTiles = new Map<number, number>();
  #patternTiles = new Map<number, number[]>();
  #newTiles: number[] = [];
  #waitingFrames: Int32Array[] = [];
  #aligned: Int32Array | undefined;
  /** iterables returned by flush and not yet iterated to their end (they hold tile ids) */
  #draining = 0;
  #jpegCalls = 0;
  #tilesEncoded = 0;
  #jpegMs = 0;
  #cacheRestarts = 0;

  constructor(options: FrameEncoderOptions) {
    this.#width = options.width;
    this.#height = options.height;
    this.#quality = options.quality;
    const mcuColumns = Math.ceil(this.#width / 8);
    this.#tileMcus = largestDivisor(mcuColumns, options.maxTileMcus ?? DEFAULT_MAX_TILE_MCUS);
    this.#tileWidth = this.#tileMcus * 8;
    this.#tilesPerRow = mcuColumns / this.#tileMcus;
    this.#tileCount = this.#tilesPerRow * Math.ceil(this.#height / 8);
    this.#maxBatchTiles = options.maxBatchTiles ?? DEFAULT_MAX_BATCH_TILES;
    this.#maxCachedTiles = options.maxCachedTiles ?? DEFAULT_MAX_CACHED_TILES;
  }

  push(rgba: Uint8Array): Iterable<Uint8Array> {
    checkFrame(rgba, this.#width, this.#height);
    this.#trimCache();
    const pixels = this.#view(rgba);
    const bytes = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length);
    const rowBytes = this.#width * 4;
    const plan = new Int32Array(this.#tileCount);
    const tileRows = this.#tileCount / this.#tilesPerRow;
    for (let row = 0, index = 0; row < tileRows; row++) {
      const y = row * 8;
      const height = Math.min(8, this.#height - y);
      // Most bands repeat their first row (no horizontal edge inside): a native memcmp per row
      // says so, and then a tile is flat when its first row is, which is 1/8 of the pixels.
      let isRepeated = true;
      const first = y * rowBytes;
      for (let line = 1; line < height && isRepeated; line++) {
        const start = (y + line) * rowBytes;
        isRepeated = bytes.compare(bytes, first, first + rowBytes, start, start + rowBytes) === 0;
      }
      for (let column = 0; column < this.#tilesPerRow; column++, index++)
        plan[index] = this.#findTile(pixels, column * this.#tileWidth, y, isRepeated);
    }
    if (this.#newTiles.length === 0 && this.#waitingFrames.length === 0)
      return [this.#assemble(plan)];
    this.#waitingFrames.push(plan);
    if (
      this.#waitingFrames.length * this.#tileCount >= MAX_PENDING_TILE_REFS ||
      this.#newTiles.length >= this.#maxBatchTiles
    )
      return this.#flush();
    return [];
  }

  finish(): Iterable<Uint8Array> {
    return this.#waitingFrames.length > 0 ? this.#flush() : [];
  }

  stats(): EncoderStats {
    return {
      jpegCalls: this.#jpegCalls,
      tilesEncoded: this.#tilesEncoded,
      jpegMs: this.#jpegMs,
      cacheRestarts: this.#cacheRestarts,
    };
  }

  #encode(rgba: Uint8Array, width: number, height: number): Uint8Array {
    this.#jpegCalls++;
    const start = performance.now();
    const encoded = jpeg.encode({ data: rgba, width, height }, this.#quality).data;
    this.#jpegMs += performance.now() - start;
    return encoded;
  }

  /** Frame header: jpeg-js's segments with our size in SOF0 and a DRI of one tile before SOS. */
  #buildHeader(segments: readonly JpegSegment[]) {
    const parts: Uint8Array[] = [new Uint8Array([0xff, MARKER.SOI])];
    let tables: Map<number, HuffmanTable> | undefined;
    const dcTables: HuffmanTable[] = [];
    const acTables: HuffmanTable[] = [];
    for (const { marker, bytes } of segments) {
      if (marker === MARKER.SOF0) {
        const sof = bytes.slice();
        // 3 components, each sampled 1x1 (4:4:4): one MCU is 8x8 pixels, Y then Cb then Cr.
        if (sof[9] !== 3 || sof[11] !== 0x11 || sof[14] !== 0x11 || sof[17] !== 0x11)
          throw new Error('JPEG encoder: jpeg-js no longer writes 4:4:4 baseline frames');
        sof[5] = this.#height >>> 8;
        sof[6] = this.#height & 255;
        sof[7] = this.#width >>> 8;
        sof[8] = this.#width & 255;
        parts.push(sof);
      } else if (marker === MARKER.SOS) {
        if (!tables) throw new Error('JPEG encoder: jpeg-js wrote no DHT before SOS');
        for (let component = 0; component < 3; component++) {
          const selectors = bytes[6 + component * 2] as number;
          const dc = tables.get(selectors >>> 4);
          const ac = tables.get(16 + (selectors & 15));
          if (!dc || !ac) throw new Error('JPEG encoder: SOS names a missing Huffman table');
          dcTables.push(dc);
          acTables.push(ac);
        }
        const k = this.#tileMcus;
        parts.push(new Uint8Array([0xff, MARKER.DRI, 0, 4, k >>> 8, k & 255]), bytes);
      } else {
        if (marker === MARKER.DHT) tables = parseHuffmanTables(bytes);
        parts.push(bytes);
      }
    }
    return { header: concat(parts), dcTables, acTables };
  }

  /** The frame as 32-bit pixels (copied once into an aligned buffer when it is not aligned). */
  #view(rgba: Uint8Array): Int32Array {
    const count = this.#width * this.#height;
    if (rgba.byteOffset % 4 === 0) return new Int32Array(rgba.buffer, rgba.byteOffset, count);
    this.#aligned ??= new Int32Array(count);
    new Uint8Array(this.#aligned.buffer).set(rgba);
    return this.#aligned;
  }

  /**
   * The id of the tile at (x, y): an existing one with the same pixels, or a new one.
   * `isRepeated`: every row of the tile's band is known to equal its first row.
   */
  #findTile(pixels: Int32Array, x: number, y: number, isRepeated: boolean): number {
    const width = Math.min(this.#tileWidth, this.#width - x);
    const height = Math.min(8, this.#height - y);
    const size = (width - 1) * 8 + (height - 1);
    const first = (pixels[y * this.#width + x] as number) & RGB_MASK;
    if (this.#isFlat(pixels, x, y, width, isRepeated ? 1 : height, first)) {
      const key = (first >>> 0) * 1024 + size;
      const known = this.#flatTiles.get(key);
      if (known !== undefined) return known;
      const id = this.#addTile(pixels, x, y, width, height);
      this.#flatTiles.set(key, id);
      return id;
    }
    let hash = fnv1aStep(FNV1A_OFFSET_BASIS, size);
    for (let row = y; row < y + height; row++) {
      const start = row * this.#width + x;
      for (let i = start; i < start + width; i++)
        hash = fnv1aStep(hash, (pixels[i] as number) & RGB_MASK);
    }
    const candidates = this.#patternTiles.get(hash);
    if (candidates)
      for (const id of candidates)
        if (this.#isSame(pixels, x, y, width, height, (this.#tiles[id] as Tile).pixels)) return id;
    const id = this.#addTile(pixels, x, y, width, height);
    if (candidates) candidates.push(id);
    else this.#patternTiles.set(hash, [id]);
    return id;
  }

  #isFlat(pixels: Int32Array, x: number, y: number, w: number, h: number, first: number) {
    const frameWidth = this.#width;
    for (let row = y; row < y + h; row++) {
      const start = row * frameWidth + x;
      for (let i = start; i < start + w; i++)
        if (((pixels[i] as number) & RGB_MASK) !== first) return false;
    }
    return true;
  }

  #isSame(pixels: Int32Array, x: number, y: number, w: number, h: number, tile: Int32Array) {
    for (let row = 0; row < h; row++) {
      const start = (y + row) * this.#width + x;
      const tileStart = row * this.#tileWidth;
      for (let column = 0; column < w; column++)
        if (((pixels[start + column] as number) & RGB_MASK) !== tile[tileStart + column])
          return false;
    }
    return true;
  }

  #addTile(pixels: Int32Array, x: number, y: number, width: number, height: number): number {
    const tileWidth = this.#tileWidth;
    const padded = new Int32Array(tileWidth * 8);
    // Past the frame's right and bottom edges, repeat the last column and row (as jpeg-js does).
    for (let row = 0; row < 8; row++) {
      const source = (y + Math.min(row, height - 1)) * this.#width + x;
      for (let column = 0; column < tileWidth; column++)
        padded[row * tileWidth + column] =
          (pixels[source + Math.min(column, width - 1)] as number) & RGB_MASK;
    }
    const id = this.#tiles.length;
    this.#tiles.push({ bytes: undefined, pixels: padded });
    this.#newTiles.push(id);
    return id;
  }

  /** Encodes the new tiles in one jpeg-js call; the waiting frames are then built on demand. */
  #flush(): Iterable<Uint8Array> {
    if (this.#newTiles.length > 0) this.#encodeNewTiles();
    const plans = this.#waitingFrames;
    this.#waitingFrames = [];
    this.#draining++;
    return this.#assembleAll(plans);
  }

  *#assembleAll(plans: readonly Int32Array[]): Generator<Uint8Array> {
    try {
      for (const plan of plans) yield this.#assemble(plan);
    } finally {
      this.#draining--;
    }
  }

  /** Starts the cache afresh once it is large, when no frame refers to its tiles any more. */
  #trimCache(): void {
    if (
      this.#tiles.length > this.#maxCachedTiles &&
      this.#waitingFrames.length === 0 &&
      this.#draining === 0
    ) {
      this.#cacheRestarts++;
      this.#tiles = [];
      this.#flatTiles.clear();
      this.#patternTiles.clear();
    }
  }

  #encodeNewTiles(): void {
    const ids = this.#newTiles;
    this.#newTiles = [];
    const tilePixels = this.#tileWidth * 8;
    const batch = new Int32Array(tilePixels * ids.length);
    ids.forEach((id, i) => {
      batch.set((this.#tiles[id] as Tile).pixels, i * tilePixels);
    });
    const encoded = this.#encode(new Uint8Array(batch.buffer), this.#tileWidth, 8 * ids.length);
    const { segments, scan } = parseJpeg(encoded);
    if (this.#header.length === 0) {
      const built = this.#buildHeader(segments);
      this.#header = built.header;
      this.#dcTables = built.dcTables;
      this.#acTables = built.acTables;
    }
    const reader = new BitReader(unstuff(scan));
    const predictions = [0, 0, 0];
    for (const id of ids) {
      const firstBlocks = [];
      for (let mcu = 0; mcu < this.#tileMcus; mcu++)
        for (let component = 0; component < 3; component++) {
          const block = readBlock(
            reader,
            this.#dcTables[component] as HuffmanTable,
            this.#acTables[component] as HuffmanTable,
          );
          predictions[component] = (predictions[component] as number) + block.difference;
          if (mcu === 0) firstBlocks.push({ ...block, dc: predictions[component] as number });
        }
      const end = reader.position;
      // A restart resets the DC predictions to 0: the first DC of the tile becomes absolute.
      const writer = new BitWriter();
      firstBlocks.forEach((block, component) => {
        writeDcDifference(writer, this.#dcTables[component] as HuffmanTable, block.dc);
        writer.copy(reader, block.acStart, block.end);
      });
      writer.copy(reader, (firstBlocks[2] as { end: number }).end, end);
      reader.position = end;
      const tile = this.#tiles[id] as Tile;
      tile.bytes = writer.finish();
      this.#tilesEncoded++;
    }
  }

  /** One JPEG frame: header, the tiles separated by RST0..RST7 markers, EOI. */
  #assemble(plan: Int32Array): Uint8Array {
    let length = this.#header.length + 2 * plan.length;
    for (const id of plan) length += ((this.#tiles[id] as Tile).bytes as Uint8Array).length;
    const frame = new Uint8Array(length);
    frame.set(this.#header);
    let offset = this.#header.length;
    for (let i = 0; i < plan.length; i++) {
      const bytes = (this.#tiles[plan[i] as number] as Tile).bytes as Uint8Array;
      frame.set(bytes, offset);
      offset += bytes.length;
      frame[offset++] = 0xff;
      frame[offset++] = i === plan.length - 1 ? MARKER.EOI : MARKER.RST0 + (i % 8);
    }
    return frame;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
