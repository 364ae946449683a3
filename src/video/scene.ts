// The synthetic scene: a plain background and a few rectangles bouncing along straight lines, all
// decided by a seeded PRNG. Pure: the same spec always gives the same scene, so a detector's output
// can be checked against objectBoxes() frame by frame.
import { createRandom } from '../core/random.ts';
import { ConfigError } from '../errors.ts';

/** A straight-line path reflected at the edges of its allowed area (a "bouncing" rectangle). */
export interface ObjectPath {
  /** top-left position at time 0, pixels */
  startX: number;
  startY: number;
  /** speed, pixels per second (sign = initial direction) */
  velocityX: number;
  velocityY: number;
  /** allowed range of the top-left corner, pixels (inclusive) */
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** One moving rectangle. Its position at frame f is objectBoxes(scene, f)[i] (from `path`). */
export interface MovingObject {
  id: number;
  /** size, pixels */
  width: number;
  height: number;
  /** fill color, RGB 0..255 */
  color: [number, number, number];
  path: ObjectPath;
}

/** What to generate. */
export interface SceneSpec {
  /** frame size, pixels */
  width: number;
  height: number;
  /** frames per second */
  fps: number;
  /** video length, seconds */
  durationS: number;
  /** PRNG seed (an integer): same seed, same scene, same bytes */
  seed: number;
  /** number of moving rectangles, default 3 */
  objects?: number;
}

/** A planned scene: everything needed to draw any frame. */
export interface Scene {
  spec: SceneSpec;
  /** number of frames: round(durationS * fps), at least 1 */
  frameCount: number;
  objects: MovingObject[];
  /** background color, RGB 0..255 */
  background: [number, number, number];
}

/** A bounding box in one frame, pixels (top-left corner and size, clipped to the frame). */
export interface ObjectBox {
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Largest frame side accepted, pixels (8K; also well inside the JPEG limit of 65500). */
export const MAX_SIDE_PX = 8192;
const MIN_SIDE_PX = 16;
const MAX_FPS = 240;
const MAX_OBJECTS = 16;
const DEFAULT_OBJECTS = 3;

/** Checks a spec; throws ConfigError naming the bad field. */
export function validateSceneSpec(spec: SceneSpec): void {
  const fail = (what: string, value: unknown): never => {
    throw new ConfigError(`synthetic video: ${what}, got ${JSON.stringify(value)}`);
  };
  for (const side of ['width', 'height'] as const) {
    const value = spec[side];
    if (!Number.isInteger(value) || value < MIN_SIDE_PX || value > MAX_SIDE_PX)
      fail(`${side} must be an integer from ${MIN_SIDE_PX} to ${MAX_SIDE_PX} pixels`, value);
  }
  if (!(Number.isFinite(spec.fps) && spec.fps > 0 && spec.fps <= MAX_FPS))
    fail(`fps must be a number > 0 and <= ${MAX_FPS}`, spec.fps);
  if (!(Number.isFinite(spec.durationS) && spec.durationS > 0))
    fail('durationS must be a number of seconds > 0', spec.durationS);
  if (!Number.isSafeInteger(spec.seed)) fail('seed must be an integer', spec.seed);
  const objects = spec.objects ?? DEFAULT_OBJECTS;
  if (!Number.isInteger(objects) || objects < 0 || objects > MAX_OBJECTS)
    fail(`objects must be an integer from 0 to ${MAX_OBJECTS}`, spec.objects);
  // Each object moves in its own horizontal lane: lanes need some height.
  if (objects > 0 && spec.height / objects < 4)
    fail(`height must give each of the ${objects} objects a lane of 4 pixels or more`, spec.height);
}

/** Number of frames of a spec: round(durationS * fps), at least 1. */
export function frameCountOf(spec: SceneSpec): number {
  return Math.max(1, Math.round(spec.durationS * spec.fps));
}

/** HSV (all 0..1) to RGB 0..255. */
function hsvToRgb(hue: number, saturation: number, value: number): [number, number, number] {
  const sector = Math.floor(hue * 6) % 6;
  const fraction = hue * 6 - Math.floor(hue * 6);
  const p = value * (1 - saturation);
  const q = value * (1 - fraction * saturation);
  const t = value * (1 - (1 - fraction) * saturation);
  const rgb = [
    [value, t, p],
    [q, value, p],
    [p, value, t],
    [p, q, value],
    [t, p, value],
    [value, p, q],
  ][sector] as [number, number, number];
  return [Math.round(rgb[0] * 255), Math.round(rgb[1] * 255), Math.round(rgb[2] * 255)];
}

/**
 * Plans a scene from its spec: a dark background and `objects` bright rectangles with evenly
 * spaced hues. Object i moves inside lane i (a horizontal band of height/objects pixels), so
 * objects never overlap and each box centre always shows its own color.
 */
export function planScene(spec: SceneSpec): Scene {
  validateSceneSpec(spec);
  const random = createRandom(spec.seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  const background = hsvToRgb(random(), between(0.2, 0.5), between(0.15, 0.3));
  const count = spec.objects ?? DEFAULT_OBJECTS;
  const hueStart = random();
  const laneHeight = spec.height / Math.max(1, count);
  const objects: MovingObject[] = [];
  for (let id = 0; id < count; id++) {
    const width = Math.max(4, Math.round(spec.width * between(0.08, 0.2)));
    const height = Math.max(2, Math.round(laneHeight * between(0.4, 0.65)));
    const laneTop = Math.ceil(id * laneHeight);
    const laneBottom = Math.floor((id + 1) * laneHeight);
    const minX = 0;
    const maxX = spec.width - width;
    const minY = laneTop;
    const maxY = Math.max(laneTop, laneBottom - height);
    const sign = () => (random() < 0.5 ? -1 : 1);
    objects.push({
      id,
      width,
      height,
      color: hsvToRgb((hueStart + id / Math.max(1, count)) % 1, between(0.75, 1), between(0.85, 1)),
      path: {
        startX: Math.round(between(minX, maxX)),
        startY: Math.round(between(minY, maxY)),
        // Crosses the frame in about 2.5 to 6 s; never still, so frames always differ.
        velocityX: sign() * spec.width * between(0.15, 0.4),
        velocityY: sign() * Math.max(4, (maxY - minY) * between(0.3, 0.8)),
        minX,
        maxX,
        minY,
        maxY,
      },
    });
  }
  return { spec, frameCount: frameCountOf(spec), objects, background };
}

/** Position on a segment [min, max] of a point moving at `velocity` and bouncing at the ends. */
function bounce(start: number, velocity: number, timeS: number, min: number, max: number): number {
  const range = max - min;
  if (range <= 0) return min;
  const period = 2 * range;
  const travelled = (((start - min + velocity * timeS) % period) + period) % period;
  return min + Math.round(travelled <= range ? travelled : period - travelled);
}

/** Where each object is in frame `index` (its bounding box, clipped to the frame), pixels. */
export function objectBoxes(scene: Scene, index: number): ObjectBox[] {
  const timeS = index / scene.spec.fps;
  return scene.objects.map((object) => {
    const { path } = object;
    const x = bounce(path.startX, path.velocityX, timeS, path.minX, path.maxX);
    const y = bounce(path.startY, path.velocityY, timeS, path.minY, path.maxY);
    const left = Math.max(0, x);
    const top = Math.max(0, y);
    const right = Math.min(scene.spec.width, x + object.width);
    const bottom = Math.min(scene.spec.height, y + object.height);
    return {
      id: object.id,
      x: left,
      y: top,
      width: Math.max(0, right - left),
      height: Math.max(0, bottom - top),
    };
  });
}

/** Draws frame `index` into `rgba`, a width*height*4 buffer (RGBA, alpha 255), reused by callers. */
export function renderFrame(scene: Scene, index: number, rgba: Uint8Array): void {
  checkBuffer(scene, rgba);
  fillPixels(rgba, 0, rgba.length, scene.background);
  drawObjects(scene, rgba, objectBoxes(scene, index));
}

/**
 * Turns `rgba`, holding the frame whose boxes were `previous` (as returned by objectBoxes or by
 * this function), into frame `index`: paints the background over the old boxes only, then the
 * objects. Returns the boxes of frame `index`. Same pixels as renderFrame, far fewer writes.
 */
export function redrawFrame(
  scene: Scene,
  index: number,
  rgba: Uint8Array,
  previous: readonly ObjectBox[],
): ObjectBox[] {
  checkBuffer(scene, rgba);
  for (const box of previous) fillBox(rgba, scene.spec.width, box, scene.background);
  const boxes = objectBoxes(scene, index);
  drawObjects(scene, rgba, boxes);
  return boxes;
}

function checkBuffer(scene: Scene, rgba: Uint8Array): void {
  const { width, height } = scene.spec;
  if (rgba.length !== width * height * 4)
    throw new RangeError(
      `renderFrame: the buffer has ${rgba.length} bytes, expected ${width * height * 4} (${width}x${height} RGBA)`,
    );
}

function drawObjects(scene: Scene, rgba: Uint8Array, boxes: readonly ObjectBox[]): void {
  for (let i = 0; i < boxes.length; i++)
    fillBox(
      rgba,
      scene.spec.width,
      boxes[i] as ObjectBox,
      (scene.objects[i] as MovingObject).color,
    );
}

function fillBox(
  rgba: Uint8Array,
  frameWidth: number,
  box: ObjectBox,
  color: readonly [number, number, number],
): void {
  if (box.width === 0 || box.height === 0) return;
  const rowBytes = frameWidth * 4;
  const first = box.y * rowBytes + box.x * 4;
  const rowLength = box.width * 4;
  fillPixels(rgba, first, first + rowLength, color);
  // Copying the first row is a memcpy: much faster than setting pixels one by one.
  for (let row = 1; row < box.height; row++)
    rgba.copyWithin(first + row * rowBytes, first, first + rowLength);
}

/** Fills rgba[start, end) with one opaque color, doubling the filled part each step. */
function fillPixels(
  rgba: Uint8Array,
  start: number,
  end: number,
  color: readonly [number, number, number],
): void {
  if (end <= start) return;
  rgba[start] = color[0];
  rgba[start + 1] = color[1];
  rgba[start + 2] = color[2];
  rgba[start + 3] = 255;
  let filled = 4;
  while (start + filled < end) {
    const chunk = Math.min(filled, end - start - filled);
    rgba.copyWithin(start + filled, start, start + chunk);
    filled += chunk;
  }
}
