// Where the history database lives: --db beats MODELWRIGHT_DB beats ~/.modelwright/modelwright.db.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { dbPathInFolder, resolveDbPath } from '../../../main/store/location.ts';

describe('resolveDbPath', () => {
  const home = '/home/ada';
  it('uses --db first, made absolute', () => {
    expect(resolveDbPath('runs.db', { MODELWRIGHT_DB: '/env/x.db' }, home)).toBe(resolve('runs.db'));
    expect(resolveDbPath('/abs/y.db', { MODELWRIGHT_DB: '/env/x.db' }, home)).toBe('/abs/y.db');
  });
  it('then MODELWRIGHT_DB', () => {
    expect(resolveDbPath(undefined, { MODELWRIGHT_DB: '/env/x.db' }, home)).toBe('/env/x.db');
    expect(resolveDbPath('  ', { MODELWRIGHT_DB: '/env/x.db' }, home)).toBe('/env/x.db');
  });
  it('then the per-user default', () => {
    expect(resolveDbPath(undefined, {}, home)).toBe(join(home, '.modelwright', 'modelwright.db'));
    expect(resolveDbPath(undefined, { MODELWRIGHT_DB: '' }, home)).toBe(join(home, '.modelwright', 'modelwright.db'));
  });
  it('puts the Electron app\'s database in its user-data folder', () => {
    expect(dbPathInFolder('/data/Modelwright')).toBe('/data/Modelwright/modelwright.db');
  });
});
