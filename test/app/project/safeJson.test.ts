// Untrusted JSON: every kind of bad input gives its own clear error with a position, never a crash.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJsonSafely, SafeJsonError, scanJson } from '../../../app/project/safeJson.ts';

function failure(input: string | Uint8Array, options = {}): SafeJsonError {
  try {
    parseJsonSafely(input, options);
  } catch (err) {
    expect(err).toBeInstanceOf(SafeJsonError);
    return err as SafeJsonError;
  }
  throw new Error('expected parseJsonSafely to throw');
}

describe('parseJsonSafely', () => {
  it('parses ordinary JSON exactly like JSON.parse', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,{"b":"\\u00e9\\n"}],"c":{}}';
    expect(parseJsonSafely(text)).toEqual(JSON.parse(text));
  });

  it('accepts raw UTF-8 bytes and a byte order mark', () => {
    const bytes = new TextEncoder().encode('\ufeff{"name":"café"}');
    expect(parseJsonSafely(bytes)).toEqual({ name: 'café' });
  });

  it('refuses empty and whitespace-only input', () => {
    expect(failure('').code).toBe('empty');
    expect(failure(' \n\t ').message).toMatch(/empty/);
  });

  it('refuses binary input (NUL bytes) as text and as bytes', () => {
    expect(failure('{"a":1}\u0000\u0001').code).toBe('binary');
    const e = failure(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    expect(e.code).toBe('binary');
    expect(e.message).toMatch(/binary file/);
  });

  it('refuses invalid UTF-8, naming the byte', () => {
    const e = failure(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xc3, 0x28, 0x7d]));
    expect(e.code).toBe('invalid-utf8');
    expect(e.message).toMatch(/byte 6/);
    expect(failure('{"a":"\ufffd"}').code).toBe('invalid-utf8');
  });

  it('refuses input over the size cap before scanning it', () => {
    const e = failure('[' + '1,'.repeat(600) + '1]', { maxBytes: 1000 });
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/too large .*limit is 1000 bytes/);
  });

  it('refuses 100,000-deep nesting with a clear error instead of a stack overflow', () => {
    for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
      const e = failure(open.repeat(100_000) + '1' + close.repeat(100_000));
      expect(e.code).toBe('too-deep');
      expect(e.message).toMatch(/nested too deeply \(more than 256 levels/);
    }
    // The same nesting truncated: still the depth error, not a crash.
    expect(failure('['.repeat(100_000)).code).toBe('too-deep');
  });

  it('honours a custom depth limit exactly', () => {
    expect(parseJsonSafely('[[[1]]]', { maxDepth: 3 })).toEqual([[[1]]]);
    expect(failure('[[[[1]]]]', { maxDepth: 3 }).code).toBe('too-deep');
  });

  it('rejects __proto__, constructor and prototype keys, also when escaped, with their position', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const e = failure(`{\n  "ok": 1,\n  "${key}": {"polluted": true}\n}`);
      expect(e.code).toBe('forbidden-key');
      expect(e.message).toContain(`"${key}"`);
      expect([e.line, e.column]).toEqual([3, 3]);
    }
    expect(failure('{"a":[{"\\u005f_proto__":{}}]}').code).toBe('forbidden-key');
    // As a value, the word is harmless.
    expect(parseJsonSafely('{"name":"constructor"}')).toEqual({ name: 'constructor' });
  });

  it('drops forbidden keys on request, and nothing reaches Object.prototype', () => {
    const value = parseJsonSafely('{"a":1,"__proto__":{"polluted":true},"b":{"constructor":{"prototype":1},"c":2}}', {
      forbiddenKeys: 'drop',
    }) as Record<string, unknown>;
    expect(value).toEqual({ a: 1, b: { c: 2 } });
    expect(Object.keys(value)).toEqual(['a', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a":1', 'truncated', 1, 7, /ends too early.*cut off/],
    ['{"layers": [\n  {"id": "a"},\n', 'truncated', 3, 1, /unclosed \[/],
    ['"abc', 'truncated', 1, 5, /string is not closed/],
    ['{"a":}', 'syntax', 1, 6, /expected a value/],
    ['[1,2,]', 'syntax', 1, 6, /trailing comma/],
    ['{"a":1,}', 'syntax', 1, 8, /trailing comma/],
    ["{'a':1}", 'syntax', 1, 2, /property name in double quotes/],
    ['{"a" 1}', 'syntax', 1, 6, /expected ':'/],
    ['{\n  "a": tru\n}', 'syntax', 2, 8, /found "tru"/],
    ['[1 2]', 'syntax', 1, 4, /expected ',' or ']'/],
    ['[01]', 'syntax', 1, 3, /well-formed number/],
    ['[1.]', 'syntax', 1, 3, /well-formed number/],
    ['[NaN]', 'syntax', 1, 2, /found "NaN"/],
    ['"a\nb"', 'syntax', 1, 3, /cannot span lines/],
    ['"\\x"', 'syntax', 1, 2, /valid escape/],
    ['{} {}', 'syntax', 1, 4, /end of the text/],
    ['<html></html>', 'syntax', 1, 1, /expected a value/],
  ])('locates %j as %s at line %i column %i', (text, code, line, column, message) => {
    const e = failure(text);
    expect(e.code).toBe(code);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`line ${line}, column ${column}`);
    expect(e.message).not.toContain('\n');
  });

  it('agrees with JSON.parse on which texts are JSON (property test)', () => {
    const pieces = ['{', '}', '[', ']', ',', ':', '"a"', '"b\\n"', '1', '-0.5e2', '01', 'true', 'nul', ' ', '\n', '"', '\\'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        let native = true;
        try {
          JSON.parse(text);
        } catch {
          native = false;
        }
        let ours = true;
        try {
          scanJson(text);
        } catch {
          ours = false;
        }
        expect(ours).toBe(native);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(parseJsonSafely(text, { forbiddenKeys: 'drop' })).toEqual(JSON.parse(text, (k, v) => (['__proto__', 'constructor', 'prototype'].includes(k) ? undefined : v)));
      }),
      { numRuns: 300 },
    );
  });
});
