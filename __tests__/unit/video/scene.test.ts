import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import {
  frameCountOf,
  type MovingObject,
  objectBoxes,
  planScene,
  redrawFrame,
  renderFrame,
  type SceneSpec,
} from '../../../src/video/scene.ts';

const SPEC: SceneSpec = { width: 320, height: 180, fps: 30, durationS: 4, seed: 7 };

/** Reflects `start + velocity * t` into [min, max], computed independently of the module. */
function expectedPosition(start: number, velocity: number, t: number, min: number, max: number) {
  if (max <= min) return min;
  let position = start + velocity * t;
  // Walk the reflections one by one (slow but obviously right).
  for (let guard = 0; guard < 10_000 && (position < min || position > max); guard++)
    position = position > max ? 2 * max - position : 2 * min - position;
  return Math.round(position);
}

describe('planScene', () => {
  it('gives the same scene for the same seed and a different one for another seed', () => {
    expect(planScene(SPEC)).toEqual(planScene({ ...SPEC }));
    const other = planScene({ ...SPEC, seed: 8 });
    expect(other.objects).not.toEqual(planScene(SPEC).objects);
    expect(other.background).not.toEqual(planScene(SPEC).background);
  });

  it('counts frames from duration and fps, and plans 3 objects by default', () => {
    const scene = planScene(SPEC);
    expect(scene.frameCount).toBe(120);
    expect(frameCountOf({ ...SPEC, durationS: 0.01 })).toBe(1);
    expect(scene.objects).toHaveLength(3);
    expect(planScene({ ...SPEC, objects: 5 }).objects).toHaveLength(5);
    expect(planScene({ ...SPEC, objects: 0 }).objects).toHaveLength(0);
  });

  it('picks object colors far from the background and from each other', () => {
    for (const seed of [1, 2, 3, 4, 5, -9, 2 ** 40 + 3]) {
      const scene = planScene({ ...SPEC, seed });
      const distance = (a: readonly number[], b: readonly number[]) =>
        Math.hypot(...a.map((value, i) => value - (b[i] as number)));
      for (const [i, object] of scene.objects.entries()) {
        expect(distance(object.color, scene.background)).toBeGreaterThan(100);
        for (const other of scene.objects.slice(i + 1))
          expect(distance(object.color, other.color)).toBeGreaterThan(60);
      }
    }
  });

  it.each([
    [{ width: 8 }, 'width'],
    [{ height: 100_000 }, 'height'],
    [{ width: 10.5 }, 'width'],
    [{ fps: 0 }, 'fps'],
    [{ fps: Number.NaN }, 'fps'],
    [{ durationS: -1 }, 'durationS'],
    [{ seed: 1.5 }, 'seed'],
    [{ objects: 17 }, 'objects'],
    [{ height: 16, objects: 5 }, 'height'],
  ])('rejects %o naming the field', (change, field) => {
    expect(() => planScene({ ...SPEC, ...change })).toThrow(ConfigError);
    expect(() => planScene({ ...SPEC, ...change })).toThrow(
      new RegExp(`synthetic video: ${field}`),
    );
  });
});

describe('objectBoxes', () => {
  const scene = planScene(SPEC);

  it('keeps every box inside the frame, each object in its own lane (no overlaps)', () => {
    for (let frame = 0; frame < scene.frameCount; frame++) {
      const boxes = objectBoxes(scene, frame);
      for (const [i, box] of boxes.entries()) {
        const object = scene.objects[i] as MovingObject;
        expect(box.id).toBe(object.id);
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(SPEC.width);
        expect(box.y + box.height).toBeLessThanOrEqual(SPEC.height);
        expect([box.width, box.height]).toEqual([object.width, object.height]);
        for (const other of boxes.slice(i + 1)) {
          const apart =
            box.y + box.height <= other.y ||
            other.y + other.height <= box.y ||
            box.x + box.width <= other.x ||
            other.x + other.width <= box.x;
          expect(apart).toBe(true);
        }
      }
    }
  });

  it('moves each object along its path (start at frame 0, reflected line afterwards)', () => {
    const last = scene.frameCount - 1;
    for (const [i, object] of scene.objects.entries()) {
      const { path } = object;
      for (const frame of [0, 1, 15, 45, last]) {
        const t = frame / SPEC.fps;
        const box = objectBoxes(scene, frame)[i];
        expect(box?.x).toBe(expectedPosition(path.startX, path.velocityX, t, path.minX, path.maxX));
        expect(box?.y).toBe(expectedPosition(path.startY, path.velocityY, t, path.minY, path.maxY));
      }
      expect(objectBoxes(scene, 0)[i]).toMatchObject({ x: path.startX, y: path.startY });
      // One second later the object has moved (velocity >= 0.15 * width per second).
      expect(objectBoxes(scene, 30)[i]?.x).not.toBe(objectBoxes(scene, 0)[i]?.x);
    }
  });
});

describe('renderFrame', () => {
  const scene = planScene(SPEC);
  const pixelAt = (rgba: Uint8Array, x: number, y: number) =>
    Array.from(rgba.subarray((y * SPEC.width + x) * 4, (y * SPEC.width + x) * 4 + 4));

  it('draws the background and each object exactly on its box', () => {
    const rgba = new Uint8Array(SPEC.width * SPEC.height * 4).fill(9);
    for (const frame of [0, 37]) {
      renderFrame(scene, frame, rgba);
      for (const [i, box] of objectBoxes(scene, frame).entries()) {
        const color = [...(scene.objects[i] as MovingObject).color, 255];
        expect(pixelAt(rgba, box.x, box.y)).toEqual(color);
        expect(pixelAt(rgba, box.x + box.width - 1, box.y + box.height - 1)).toEqual(color);
        if (box.x > 0) expect(pixelAt(rgba, box.x - 1, box.y)).toEqual([...scene.background, 255]);
        if (box.x + box.width < SPEC.width)
          expect(pixelAt(rgba, box.x + box.width, box.y)).toEqual([...scene.background, 255]);
      }
      let objectPixels = 0;
      for (let p = 0; p < rgba.length; p += 4)
        if (rgba[p] !== scene.background[0] || rgba[p + 1] !== scene.background[1]) objectPixels++;
      const area = scene.objects.reduce((sum, o) => sum + o.width * o.height, 0);
      expect(objectPixels).toBe(area);
    }
  });

  it('redraws from the previous frame to exactly what a full render gives', () => {
    const full = new Uint8Array(SPEC.width * SPEC.height * 4);
    const incremental = new Uint8Array(SPEC.width * SPEC.height * 4);
    renderFrame(scene, 0, incremental);
    let boxes = objectBoxes(scene, 0);
    for (let frame = 1; frame < scene.frameCount; frame += 7) {
      boxes = redrawFrame(scene, frame, incremental, boxes);
      expect(boxes).toEqual(objectBoxes(scene, frame));
      renderFrame(scene, frame, full);
      expect(Buffer.from(incremental).equals(Buffer.from(full))).toBe(true);
    }
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => renderFrame(scene, 0, new Uint8Array(10))).toThrow(/expected 230400/);
  });
});
