import { describe, expect, it } from 'vitest';
import { dataSourceName } from '../../../app/data/sourceName.ts';
import { defaultRunName, firstRunName, recipeChanges, type RunRecipe } from '../../../app/store/runNames.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';

const iris = getTemplate('tabular-classifier')!;
const recipe = (config: object = {}, more: Partial<RunRecipe> = {}): RunRecipe => ({
  config: makeTrainingConfig({ ...structuredClone(iris.training), ...config }), graph: structuredClone(iris.graph), dataSource: 'builtin:iris', ...more,
});

describe('default run names', () => {
  it('names a project\'s first run after the project and its data', () => {
    expect(defaultRunName('Iris flower classifier', recipe(), null)).toBe('Iris flower classifier on iris');
    expect(firstRunName(undefined, '/data/uploads/058e896236506982-customers.csv')).toBe('model on customers.csv');
  });

  it('says what differs from the previous run, in the words of the settings', () => {
    const before = { id: 7, ...recipe({ optimizer: { name: 'adam', learningRate: 0.01 }, batchSize: 16 }) };
    const now = recipe({ optimizer: { name: 'adam', learningRate: 0.001 }, batchSize: 8 });
    expect(defaultRunName('p', now, before)).toBe('lr 0.001 · batch 8');
    expect(defaultRunName('p', recipe({ epochs: 1, classWeights: 'auto' }), { ...recipe({ epochs: 30 }), id: 2 })).toBe('1 epoch · balanced classes');
  });

  it('names only the augmentations turned on or changed; all-off settings are the same as none', () => {
    expect(recipeChanges(recipe(), recipe({ augment: { flip: 'both', zoom: 0.1, brightness: 0.25 } }))).toEqual(['flip both ways', 'zoom ±10%', 'brightness ±25%']);
    expect(recipeChanges(recipe({ augment: { rotation: 15 } }), recipe())).toEqual(['no rotation']);
    expect(recipeChanges(recipe(), recipe({ augment: {} }))).toEqual([]);
    expect(recipeChanges(recipe({ augment: { shift: 0.1 } }), recipe({ augment: { shift: 0.1, seed: 3 } }))).toEqual(['augment seed 3']);
  });

  it('says "same settings as #id" when nothing changed, so a repeat is recognisable', () => {
    expect(defaultRunName('p', recipe(), { id: 12, ...recipe() })).toBe('same settings as #12');
  });

  it('names architecture and data changes too', () => {
    const graph = structuredClone(iris.graph);
    const hidden = graph.layers.find((l) => l.type === 'Dense')!;
    hidden.params = { ...hidden.params, units: 64 };
    const changes = recipeChanges(recipe(), recipe({}, { graph, dataSource: '/home/me/flowers.csv' }));
    expect(changes).toEqual(['data flowers.csv', `${hidden.name} units 64`]);
    const fewer = structuredClone(iris.graph);
    const removed = fewer.layers.find((l) => l.type === 'Dropout');
    if (removed) {
      fewer.layers = fewer.layers.filter((l) => l !== removed);
      expect(recipeChanges(recipe(), recipe({}, { graph: fewer }))).toContain(`−${removed.name}`);
    }
  });

  it('keeps long lists short: four changes, then "+N more"', () => {
    const now = recipe({ optimizer: { name: 'sgd', learningRate: 0.5, momentum: 0.9 }, batchSize: 4, epochs: 3, seed: 9, shuffle: false });
    const name = defaultRunName('p', now, { id: 1, ...recipe() });
    expect(name).toBe('sgd · lr 0.5 · momentum 0.9 · batch 4 · +3 more');
  });

  it('treats explicit class weights as one setting', () => {
    const changes = recipeChanges(recipe(), recipe({ classWeights: { setosa: 2, virginica: 1 } }));
    expect(changes).toEqual(['custom class weights']);
  });
});

describe('data source names', () => {
  it('shows uploads under the name they were uploaded with, and built-ins by id', () => {
    expect(dataSourceName('/home/me/.modelwright/uploads/058e896236506982-customers.csv')).toBe('customers.csv');
    expect(dataSourceName('C:\\Users\\me\\modelwright\\uploads\\058e896236506982-customers.csv')).toBe('customers.csv');
    expect(dataSourceName('builtin:two-moons')).toBe('two-moons');
    expect(dataSourceName('data/flowers.csv')).toBe('flowers.csv');
  });

  it('leaves a user\'s own file that merely looks hashed alone', () => {
    expect(dataSourceName('/home/me/058e896236506982-customers.csv')).toBe('058e896236506982-customers.csv');
  });
});
