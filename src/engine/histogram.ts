// Latency histogram of perf-action: an HdrHistogram of microseconds (1 µs .. 1 h, 3 significant
// digits, auto-resizing), read back in milliseconds. Percentiles report the highest value of their
// bucket, so a reported percentile is never below the true one.
//
// Memory: the pure-JS implementation keeps its counts in a typed array of a few tens of KB that the
// garbage collector reclaims; its destroy() is a no-op, so nothing here needs an explicit release.
import * as hdr from 'hdr-histogram-js';

/** 1 hour in microseconds: the initial range; larger values still fit (the histogram auto-resizes). */
const HIGHEST_TRACKABLE_MICROS = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;
/** Counts are 32-bit (2^31 per bucket): plenty for any run, and what decode() expects. */
const BIT_BUCKET_SIZE = 32;

function buildRaw(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKET_SIZE,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_MICROS,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** The parts of the JS implementation we use beyond the public `Histogram` interface. */
interface JsHistogramInternals {
  highestEquivalentValue(value: number): number;
  lowestEquivalentValue(value: number): number;
}

/** An HDR histogram of request latencies, recorded in microseconds and reported in milliseconds. */
export class LatencyHistogram {
  readonly #raw: hdr.Histogram;

  private constructor(raw: hdr.Histogram) {
    this.#raw = raw;
  }

  /** An empty histogram. */
  static create(): LatencyHistogram {
    return new LatencyHistogram(buildRaw());
  }

  /**
   * Reads a histogram from HdrHistogram compressed base64 (as written by {@link encode}).
   * @throws Error when the text is not a V2 compressed histogram.
   */
  static decode(encoded: string): LatencyHistogram {
    const raw = hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
    raw.autoResize = true;
    return new LatencyHistogram(raw);
  }

  /**
   * Records one latency in microseconds. Fractions round up (the histogram never reports less than
   * what happened); values below 1 µs count as 1 µs.
   */
  recordMicros(micros: number): void {
    if (!Number.isFinite(micros) || micros < 0) {
      throw new RangeError(`latency must be a finite number >= 0 µs, got ${micros}`);
    }
    this.#raw.recordValue(Math.max(1, Math.ceil(micros)));
  }

  /** Records one latency in milliseconds (sub-millisecond precision kept down to 1 µs). */
  recordMillis(millis: number): void {
    this.recordMicros(millis * 1000);
  }

  /** Number of recorded latencies. */
  get count(): number {
    return this.#raw.totalCount;
  }

  /**
   * The latency at percentile `p` (0 < p <= 100), in milliseconds: the highest value of the bucket
   * that holds it, so never below the truth and above it by at most 0.1 %. 0 when empty.
   */
  percentileMs(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.count === 0) return 0;
    return this.#raw.getValueAtPercentile(p) / 1000;
  }

  /** Lowest recorded latency in milliseconds (lowest value of its bucket); 0 when empty. */
  get minMs(): number {
    if (this.count === 0) return 0;
    return this.#internals().lowestEquivalentValue(this.#raw.minNonZeroValue) / 1000;
  }

  /** Highest recorded latency in milliseconds (highest value of its bucket); 0 when empty. */
  get maxMs(): number {
    if (this.count === 0) return 0;
    return this.#internals().highestEquivalentValue(this.#raw.maxValue) / 1000;
  }

  /** Mean latency in milliseconds (from bucket midpoints); 0 when empty. */
  get meanMs(): number {
    return this.count === 0 ? 0 : this.#raw.mean / 1000;
  }

  /** Standard HdrHistogram V2 compressed base64: what results.json stores. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#raw);
  }

  /** Adds every value of `other` into this histogram (exact: same bucket layout). */
  add(other: LatencyHistogram): void {
    this.#raw.add(other.#raw);
  }

  #internals(): JsHistogramInternals {
    return this.#raw as unknown as JsHistogramInternals;
  }
}

/**
 * Merges encoded histograms (rounds, shards) into one, exactly: the result counts every value of
 * every part. An empty list gives an empty histogram.
 */
export function mergeHistograms(encoded: readonly string[]): LatencyHistogram {
  const merged = LatencyHistogram.create();
  for (const part of encoded) merged.add(LatencyHistogram.decode(part));
  return merged;
}
