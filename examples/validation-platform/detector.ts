// The moving-object detector of the sample service, pure: frame differencing against the previous
// frame, a threshold, then connected components of the changed pixels, merged into one box per
// moving object. Plain typed arrays in, boxes out, so it is unit tested without any video.

/** A detected moving region, in pixels of the frame (origin top left). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Changed pixels inside the region (not width x height). */
  area: number;
}

/** Settings of {@link detectMotion}. */
export interface DetectorOptions {
  /** Smallest change of a pixel's red, green or blue value (0..255) that counts it as changed. */
  threshold: number;
  /** Components with fewer changed pixels than this are noise, dropped. */
  minArea: number;
  /** 4: neighbours share an edge; 8: an edge or a corner. */
  connectivity: 4 | 8;
  /** Components whose boxes are at most this many pixels apart are merged into one box. */
  mergeGap: number;
  /**
   * A plain-coloured object that moves changes only its leading and trailing edges: two thin
   * strips spanning the same rows (or columns, within `mergeGap` pixels). Such facing strips up
   * to this fraction of the frame's width (or height) apart are merged into the object's box.
   */
  edgeGapRatio: number;
  /** Most boxes kept per frame (the largest by area), so a scene cut cannot flood the store. */
  maxBoxes: number;
}

/**
 * Defaults for JPEG-compressed frames: a change of 40 levels is well above the ringing of a
 * quality-75 encoder next to a moving edge, 24 pixels is a 5x5 blob.
 */
export const DEFAULT_DETECTOR_OPTIONS: Readonly<DetectorOptions> = {
  threshold: 40,
  minArea: 24,
  connectivity: 8,
  mergeGap: 4,
  edgeGapRatio: 0.25,
  maxBoxes: 32,
};

/**
 * 1 where a pixel of two RGBA frames changed by at least `threshold` in its red, green or blue
 * value, else 0. Colour, not grey level: an object as bright as the background but of another
 * hue has the same grey level and would be invisible.
 */
export function diffMask(
  previous: Uint8Array,
  current: Uint8Array,
  threshold: number,
  out: Uint8Array = new Uint8Array(current.length >> 2),
): Uint8Array {
  if (previous.length !== current.length || current.length % 4 !== 0) {
    throw new RangeError(
      `frames differ in size or are not RGBA: ${previous.length} and ${current.length} bytes`,
    );
  }
  const pixels = current.length >> 2;
  for (let p = 0, i = 0; p < pixels; p++, i += 4) {
    const red = Math.abs((current[i] as number) - (previous[i] as number));
    const green = Math.abs((current[i + 1] as number) - (previous[i + 1] as number));
    const blue = Math.abs((current[i + 2] as number) - (previous[i + 2] as number));
    out[p] = red >= threshold || green >= threshold || blue >= threshold ? 1 : 0;
  }
  return out;
}

/** Working memory of one frame size, reused from frame to frame by a long-running detector. */
export interface DetectorScratch {
  mask: Uint8Array;
  visited: Uint8Array;
  stack: Int32Array;
}

/** Working memory for frames of `pixels` pixels. */
export function createScratch(pixels: number): DetectorScratch {
  return {
    mask: new Uint8Array(pixels),
    visited: new Uint8Array(pixels),
    stack: new Int32Array(pixels),
  };
}

/**
 * Connected components of the set pixels of `mask` (a flood fill with an explicit stack), as
 * boxes with their pixel counts, those under `minArea` dropped; in scan order of their first pixel.
 */
export function findComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  connectivity: 4 | 8,
  minArea: number,
  scratch: DetectorScratch = createScratch(width * height),
): Box[] {
  const { visited, stack } = scratch;
  visited.fill(0);
  const boxes: Box[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || visited[start] === 1) continue;
    visited[start] = 1;
    let top = 0;
    stack[top++] = start;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let area = 0;
    while (top > 0) {
      const p = stack[--top] as number;
      const x = p % width;
      const y = (p - x) / width;
      area++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          if (connectivity === 4 && dx !== 0 && dy !== 0) continue;
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] === 1 && visited[q] === 0) {
            visited[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (area >= minArea) {
      boxes.push({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1, area });
    }
  }
  return boxes;
}

/** Pixels of empty space between two boxes (0 when they touch or overlap). */
function gapBetween(a: Box, b: Box): number {
  const gapX = Math.max(a.x - (b.x + b.width), b.x - (a.x + a.width), 0);
  const gapY = Math.max(a.y - (b.y + b.height), b.y - (a.y + a.height), 0);
  return Math.max(gapX, gapY);
}

/** When two boxes belong to one object; distances in pixels. */
export interface MergeRule {
  /** Boxes at most this far apart, and the slack of "same rows" for facing edges. */
  gap: number;
  /** Farthest apart two facing edges side by side (same rows) may be. */
  edgeGapX: number;
  /** Farthest apart two facing edges one above the other (same columns) may be. */
  edgeGapY: number;
}

/** Taller than twice its width: the leading or trailing edge of an object moving sideways. */
function isUpright(box: Box): boolean {
  return box.height >= 2 * box.width;
}

/** Wider than twice its height: an edge of an object moving up or down. */
function isFlat(box: Box): boolean {
  return box.width >= 2 * box.height;
}

function belongTogether(a: Box, b: Box, rule: MergeRule): boolean {
  const gap = gapBetween(a, b);
  if (gap <= rule.gap) return true;
  const isSameRows =
    Math.abs(a.y - b.y) <= rule.gap && Math.abs(a.y + a.height - (b.y + b.height)) <= rule.gap;
  if (isSameRows && isUpright(a) && isUpright(b) && gap <= rule.edgeGapX) return true;
  const isSameColumns =
    Math.abs(a.x - b.x) <= rule.gap && Math.abs(a.x + a.width - (b.x + b.width)) <= rule.gap;
  return isSameColumns && isFlat(a) && isFlat(b) && gap <= rule.edgeGapY;
}

/**
 * Merges boxes that belong together under `rule` (nearby, or facing edges of one object) until
 * no two do; areas add up. Groups keep the order of their first box.
 */
export function mergeBoxes(boxes: readonly Box[], rule: MergeRule): Box[] {
  const merged = boxes.map((box) => ({ ...box }));
  let hasChanged = true;
  while (hasChanged) {
    hasChanged = false;
    for (let i = 0; i < merged.length; i++) {
      for (let j = i + 1; j < merged.length; j++) {
        const a = merged[i] as Box;
        const b = merged[j] as Box;
        if (!belongTogether(a, b, rule)) continue;
        const x = Math.min(a.x, b.x);
        const y = Math.min(a.y, b.y);
        merged[i] = {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
          area: a.area + b.area,
        };
        merged.splice(j, 1);
        hasChanged = true;
        j = i;
      }
    }
  }
  return merged;
}

/**
 * The moving objects between two RGBA frames of `width` x `height` pixels: changed pixels, their
 * components, merged per object, at most `maxBoxes` of them (the largest by area).
 */
export function detectMotion(
  previous: Uint8Array,
  current: Uint8Array,
  width: number,
  height: number,
  options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS,
  scratch: DetectorScratch = createScratch(width * height),
): Box[] {
  const mask = diffMask(previous, current, options.threshold, scratch.mask);
  const components = findComponents(
    mask,
    width,
    height,
    options.connectivity,
    options.minArea,
    scratch,
  );
  const boxes = mergeBoxes(components, {
    gap: options.mergeGap,
    edgeGapX: Math.round(width * options.edgeGapRatio),
    edgeGapY: Math.round(height * options.edgeGapRatio),
  });
  if (boxes.length <= options.maxBoxes) return boxes;
  return [...boxes].sort((a, b) => b.area - a.area).slice(0, options.maxBoxes);
}
