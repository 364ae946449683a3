// FFmpeg's own decoder (ffprobe and ffmpeg, Debian's ffmpeg package; .ci/run installs it), to read
// back the videos perf-action writes with a decoder that is not ours.
import { spawnSync } from 'node:child_process';

/** True when ffprobe and ffmpeg run on this machine. */
export const HAS_FFMPEG =
  spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * Set by .ci/run, which installs ffmpeg: there the tests that need it run (and fail when it is
 * missing) rather than skip.
 */
export const REQUIRE_FFMPEG = process.env.PERF_ACTION_REQUIRE_FFMPEG === '1';

/** Whether the FFmpeg tests run here. */
export const RUN_FFMPEG_TESTS = HAS_FFMPEG || REQUIRE_FFMPEG;

/** What ffprobe reads from a video's one stream, counting its frames by decoding them. */
export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  /** `rate/scale`, as the container declares it, e.g. `2997/100` */
  frameRate: string;
  /** frames ffprobe decoded */
  frames: number;
  /** What ffprobe wrote to stderr at `-v error` (empty for a clean file). */
  errors: string;
}

/** Runs `ffprobe -count_frames` on `path`. Throws when ffprobe fails or finds no video stream. */
export function probeVideo(path: string): ProbedVideo {
  const result = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`ffprobe exited ${result.status}: ${result.stderr}`);
  const streams = JSON.parse(result.stdout).streams as Record<string, string | number>[];
  const video = streams.filter((s) => s.codec_type === 'video');
  if (video.length !== 1) throw new Error(`expected one video stream, got ${video.length}`);
  const [stream] = video as [Record<string, string | number>];
  return {
    codec: String(stream.codec_name),
    width: Number(stream.width),
    height: Number(stream.height),
    frameRate: String(stream.r_frame_rate),
    frames: Number(stream.nb_read_frames),
    errors: result.stderr,
  };
}

/**
 * Decodes every frame of `path` with ffmpeg to packed RGB (3 bytes a pixel, frame after frame).
 * `errors` is what ffmpeg wrote at `-v error`: empty when every frame decoded cleanly.
 */
export function decodeToRgb(path: string): { rgb: Buffer; errors: string } {
  const result = spawnSync(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 512 * 1024 ** 2 },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`ffmpeg exited ${result.status}: ${result.stderr}`);
  return { rgb: result.stdout, errors: result.stderr.toString() };
}

/** Decodes every frame of `path` with ffmpeg, keeping nothing; returns what it wrote at `-v error`. */
export function decodeErrors(path: string): string {
  const result = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`ffmpeg exited ${result.status}: ${result.stderr}`);
  return result.stderr;
}
