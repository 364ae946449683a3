import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { parseServices } from '../../../src/monitor/services.ts';

describe('parseServices', () => {
  it('lists each service with its label and container id', () => {
    const text = JSON.stringify({
      db: {
        id: '3f2a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef012',
        network: 'github_network_1',
        ports: { '5432': '49153' },
      },
      redis: { id: 'aa11bb22cc33', network: 'github_network_1', ports: {} },
    });
    expect(parseServices(text)).toEqual([
      { label: 'db', id: '3f2a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef012' },
      { label: 'redis', id: 'aa11bb22cc33' },
    ]);
  });

  it.each([
    { text: '{}', why: 'an empty object' },
    { text: 'null', why: 'null (a job without services)' },
    { text: '', why: 'empty text' },
    { text: '  \n', why: 'blank text' },
    { text: undefined, why: 'no text' },
  ])('gives no containers for $why', ({ text }) => {
    expect(parseServices(text)).toEqual([]);
  });

  it.each([
    {
      text: '{"db": {"id": "abc"',
      says: /services: not valid JSON \(.+\); expected the JSON of the job's services, e\.g\. "\$\{\{ toJSON\(job\.services\) \}\}"/,
    },
    { text: '[object Object]', says: /not valid JSON/ },
    { text: '["abc"]', says: /services: got an array, not an object keyed by service/ },
    { text: '"db"', says: /services: got a string/ },
    { text: '{"db": {"network": "n"}}', says: /service 'db' has no container "id"/ },
    { text: '{"db": null}', says: /service 'db' has no container "id"/ },
    { text: '{"db": {"id": ""}}', says: /service 'db' has no container "id"/ },
  ])('rejects $text with a clear message', ({ text, says }) => {
    expect(() => parseServices(text)).toThrow(ConfigError);
    expect(() => parseServices(text)).toThrow(says);
  });
});
