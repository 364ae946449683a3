import { describe, expect, it } from 'vitest';
import { joinUrl } from '../../../src/target/base-url.ts';

describe('joinUrl', () => {
  it.each([
    ['http://127.0.0.1:8000', '/health', 'http://127.0.0.1:8000/health'],
    ['http://127.0.0.1:8000/', '/health', 'http://127.0.0.1:8000/health'],
    ['http://127.0.0.1:8000', 'health', 'http://127.0.0.1:8000/health'],
    ['http://127.0.0.1:8000/api', '/health', 'http://127.0.0.1:8000/api/health'],
    ['http://127.0.0.1:8000/api/', '/health', 'http://127.0.0.1:8000/api/health'],
    ['http://127.0.0.1:8000/api//', '//health', 'http://127.0.0.1:8000/api/health'],
    ['http://127.0.0.1:8000/api', '/items?page=2', 'http://127.0.0.1:8000/api/items?page=2'],
    ['http://127.0.0.1:8000/api/', '?page=2', 'http://127.0.0.1:8000/api?page=2'],
    ['http://127.0.0.1:8000', '/', 'http://127.0.0.1:8000/'],
    ['http://127.0.0.1:8000/api', '', 'http://127.0.0.1:8000/api'],
    ['http://127.0.0.1:8000', 'https://auth.example.test/login', 'https://auth.example.test/login'],
    ['http://127.0.0.1:8000', 'HTTP://127.0.0.1:9000/x', 'HTTP://127.0.0.1:9000/x'],
  ])('%s + %s -> %s', (base, path, expected) => {
    expect(joinUrl(base, path)).toBe(expected);
  });
});
