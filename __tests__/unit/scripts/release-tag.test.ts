import { describe, expect, it } from 'vitest';
import { parseReleaseTag, planMajorTag } from '../../../scripts/release-tag.ts';

describe('parseReleaseTag', () => {
  it.each([
    ['v1.2.3', { major: 1, minor: 2, patch: 3 }],
    ['v0.1.0', { major: 0, minor: 1, patch: 0 }],
    ['v10.20.30', { major: 10, minor: 20, patch: 30 }],
    ['v1', undefined],
    ['1.2.3', undefined],
    ['v1.2', undefined],
    ['v1.2.3-rc.1', undefined],
    ['v01.2.3', undefined],
    ['v1.2.3 ', undefined],
  ])('%s', (tag, expected) => {
    expect(parseReleaseTag(tag)).toEqual(expected);
  });
});

describe('planMajorTag', () => {
  it('moves the major tag to the newest release of its major', () => {
    expect(planMajorTag('v1.3.0', '1.3.0', ['v1', 'v1.2.9', 'v1.3.0', 'v2.0.0'])).toEqual({
      action: 'move',
      majorTag: 'v1',
      reason: 'v1 now points at v1.3.0',
    });
    expect(planMajorTag('v2.0.0', '2.0.0', ['v1', 'v1.3.0', 'v2.0.0'])).toMatchObject({
      action: 'move',
      majorTag: 'v2',
    });
  });

  it('compares versions as numbers, not as text', () => {
    expect(planMajorTag('v1.10.0', '1.10.0', ['v1.9.0', 'v1.10.0'])).toMatchObject({
      action: 'move',
    });
    expect(planMajorTag('v1.9.0', '1.9.0', ['v1.9.0', 'v1.10.0'])).toEqual({
      action: 'keep',
      majorTag: 'v1',
      reason: 'v1 stays with v1.10.0, newer than v1.9.0',
    });
  });

  it('ignores tags that are not releases of the same major', () => {
    expect(
      planMajorTag('v1.0.1', '1.0.1', ['v1', 'v1.0.0', 'v1.5.0-rc.1', 'v2.0.0', 'nightly', '']),
    ).toMatchObject({ action: 'move' });
  });

  it('refuses what is not a release, or a tag that does not match package.json', () => {
    expect(() => planMajorTag('v1', '1.0.0', [])).toThrow(
      "'v1' is not a release tag (expected vMAJOR.MINOR.PATCH)",
    );
    expect(() => planMajorTag('v1.0.1', '1.0.0', [])).toThrow(
      "tag v1.0.1 does not match package.json's version 1.0.0",
    );
  });
});
