// The sample service's motion detector on synthetic frames: no video, no decoding.

import { describe, expect, it } from 'vitest';
import {
  type Box,
  DEFAULT_DETECTOR_OPTIONS,
  detectMotion,
  diffMask,
  findComponents,
  mergeBoxes,
} from '../../../examples/validation-platform/detector.ts';

const WIDTH = 64;
const HEIGHT = 48;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  /** RGB fill. */
  color: [number, number, number];
}

/** An RGBA frame of a mid-grey background with the given rectangles painted on it. */
function paintFrame(rects: readonly Rect[], noise?: (p: number) => number): Uint8Array {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let p = 0; p < WIDTH * HEIGHT; p++) {
    const level = 100 + (noise?.(p) ?? 0);
    rgba.set([level, level, level, 255], p * 4);
  }
  for (const rect of rects) {
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        rgba.set([...rect.color, 255], (y * WIDTH + x) * 4);
      }
    }
  }
  return rgba;
}

function detect(before: Uint8Array, after: Uint8Array, options = DEFAULT_DETECTOR_OPTIONS): Box[] {
  return detectMotion(before, after, WIDTH, HEIGHT, options);
}

const RED: [number, number, number] = [230, 30, 30];

describe('motion detector', () => {
  it('finds one box covering a rectangle that moved', () => {
    const before = paintFrame([{ x: 10, y: 12, width: 12, height: 10, color: RED }]);
    const after = paintFrame([{ x: 14, y: 14, width: 12, height: 10, color: RED }]);
    const boxes = detect(before, after);
    expect(boxes).toHaveLength(1);
    // The union of where the rectangle was and where it is now.
    expect(boxes[0]).toMatchObject({ x: 10, y: 12, width: 16, height: 12 });
    expect(boxes[0]?.area).toBeGreaterThan(0);
  });

  it('joins the leading and trailing edges of a plain rectangle into its box', () => {
    // Only the uncovered and newly covered strips change (3 px each, 9 px apart), not the inside.
    const before = paintFrame([{ x: 10, y: 10, width: 12, height: 8, color: RED }]);
    const after = paintFrame([{ x: 13, y: 10, width: 12, height: 8, color: RED }]);
    const mask = diffMask(before, after, 25);
    expect(findComponents(mask, WIDTH, HEIGHT, 8, 1)).toHaveLength(2);
    expect(detect(before, after)).toEqual([{ x: 10, y: 10, width: 15, height: 8, area: 48 }]);
    // Beyond a quarter of the frame's width (16 px here) the strips stay apart.
    const wide = paintFrame([{ x: 10, y: 10, width: 24, height: 8, color: RED }]);
    const wideMoved = paintFrame([{ x: 13, y: 10, width: 24, height: 8, color: RED }]);
    expect(detect(wide, wideMoved)).toHaveLength(2);
  });

  it('sees an object as bright as the background but of another colour', () => {
    // Grey levels 100 and ~100: a grey-level difference would miss it.
    const teal: [number, number, number] = [40, 120, 100];
    const before = paintFrame([{ x: 10, y: 10, width: 8, height: 8, color: teal }]);
    const after = paintFrame([{ x: 12, y: 11, width: 8, height: 8, color: teal }]);
    expect(detect(before, after)).toEqual([
      expect.objectContaining({ x: 10, y: 10, width: 10, height: 9 }),
    ]);
  });

  it('ignores noise below the threshold and a still scene', () => {
    const still = paintFrame([{ x: 5, y: 5, width: 8, height: 8, color: RED }]);
    expect(detect(still, still)).toEqual([]);
    const noisy = paintFrame(
      [{ x: 5, y: 5, width: 8, height: 8, color: RED }],
      (p) => ((p * 7919) % 21) - 10,
    );
    expect(detect(still, noisy)).toEqual([]);
  });

  it('drops changes smaller than the minimum area', () => {
    const before = paintFrame([]);
    const after = paintFrame([{ x: 30, y: 30, width: 3, height: 3, color: RED }]);
    expect(detect(before, after)).toEqual([]);
    expect(detect(before, after, { ...DEFAULT_DETECTOR_OPTIONS, minArea: 9 })).toEqual([
      { x: 30, y: 30, width: 3, height: 3, area: 9 },
    ]);
  });

  it('keeps two separated objects apart', () => {
    const blue: [number, number, number] = [20, 40, 220];
    const before = paintFrame([
      { x: 2, y: 2, width: 8, height: 8, color: RED },
      { x: 40, y: 30, width: 8, height: 8, color: blue },
    ]);
    const after = paintFrame([
      { x: 4, y: 3, width: 8, height: 8, color: RED },
      { x: 38, y: 28, width: 8, height: 8, color: blue },
    ]);
    const boxes = detect(before, after);
    expect(boxes).toHaveLength(2);
    expect(boxes).toContainEqual(expect.objectContaining({ x: 2, y: 2, width: 10, height: 9 }));
    expect(boxes).toContainEqual(expect.objectContaining({ x: 38, y: 28, width: 10, height: 10 }));
  });

  it('tells 4- from 8-connectivity on diagonal pixels', () => {
    const mask = new Uint8Array(WIDTH * HEIGHT);
    for (const [x, y] of [
      [1, 1],
      [2, 2],
      [3, 3],
    ] as const) {
      mask[y * WIDTH + x] = 1;
    }
    expect(findComponents(mask, WIDTH, HEIGHT, 8, 1)).toEqual([
      { x: 1, y: 1, width: 3, height: 3, area: 3 },
    ]);
    expect(findComponents(mask, WIDTH, HEIGHT, 4, 1)).toHaveLength(3);
  });

  it('merges boxes within the gap, transitively, and only those', () => {
    const box = (x: number, y: number): Box => ({ x, y, width: 4, height: 4, area: 16 });
    const rule = { gap: 3, edgeGapX: 0, edgeGapY: 0 };
    // a-b 2 px apart, b-c 3 px apart, d far away.
    expect(mergeBoxes([box(0, 0), box(6, 0), box(13, 0), box(40, 40)], rule)).toEqual([
      { x: 0, y: 0, width: 17, height: 4, area: 48 },
      box(40, 40),
    ]);
    expect(mergeBoxes([box(0, 0), box(6, 0)], { ...rule, gap: 1 })).toHaveLength(2);
  });

  it('merges facing edges only when they span the same rows or columns', () => {
    const strip = (x: number, y: number, width: number, height: number): Box => ({
      x,
      y,
      width,
      height,
      area: width * height,
    });
    const rule = { gap: 2, edgeGapX: 30, edgeGapY: 20 };
    expect(mergeBoxes([strip(0, 10, 3, 20), strip(25, 11, 3, 20)], rule)).toEqual([
      { x: 0, y: 10, width: 28, height: 21, area: 120 },
    ]);
    expect(mergeBoxes([strip(10, 0, 20, 2), strip(10, 15, 20, 2)], rule)).toHaveLength(1);
    // Different rows (objects in two lanes), or too far apart: kept apart.
    expect(mergeBoxes([strip(0, 10, 3, 20), strip(25, 20, 3, 20)], rule)).toHaveLength(2);
    expect(mergeBoxes([strip(0, 10, 3, 20), strip(40, 10, 3, 20)], rule)).toHaveLength(2);
  });

  it('keeps the largest boxes when a frame has too many', () => {
    const rects: Rect[] = [];
    for (let i = 0; i < 6; i++) {
      rects.push({ x: i * 10, y: 0, width: 2 + i, height: 6, color: RED });
    }
    const boxes = detect(paintFrame([]), paintFrame(rects), {
      ...DEFAULT_DETECTOR_OPTIONS,
      minArea: 1,
      mergeGap: 0,
      edgeGapRatio: 0,
      maxBoxes: 2,
    });
    expect(boxes.map((b) => b.width)).toEqual([7, 6]);
  });

  it('rejects frames of different sizes', () => {
    expect(() => diffMask(new Uint8Array(4), new Uint8Array(8), 10)).toThrow(/differ in size/);
    expect(() => diffMask(new Uint8Array(6), new Uint8Array(6), 10)).toThrow(/not RGBA/);
  });
});
