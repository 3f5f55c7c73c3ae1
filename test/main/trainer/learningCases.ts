// The runs issue 11 reproduced as "completed" although the model learned nothing, as training jobs:
// learning rate 10 with Adam on an imbalanced 4-class table, on two-moons and on house prices. Shared by
// the detector's integration test, the CLI test and the browser test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../../app/templates/index.ts';
import { sequential } from '../../../app/templates/types.ts';
import { mulberry32 } from '../../../app/data/split.ts';
import type { Graph } from '../../../app/graph/types.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { makeTrainingConfig, type TrainingConfig } from '../../../app/training/config.ts';
import { newProject } from '../../../app/project/document.ts';
import { autoLayout } from '../../../app/graph/layout.ts';

/** Class shares of the customers table: the majority class alone is right 55% of the time. */
export const customerShares = [0.55, 0.2, 0.15, 0.1] as const;
export const customerSegments = ['regular', 'bargain', 'premium', 'lapsed'] as const;

/**
 * A customers table whose segment follows from its columns (a linear model gets most of it right):
 * `visits`, `basket` (average spend), `tenure` (years), `channel` (web/store). Written to `dir`.
 */
export function writeCustomersCsv(dir: string, rows = 600, seed = 7): string {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ['visits,basket,tenure,channel,segment'];
  for (let i = 0; i < rows; i++) {
    const u = random();
    let c = 0;
    for (let acc = customerShares[0]; u > acc && c < 3; acc += customerShares[++c]);
    const visits = [12, 20, 6, 1][c] + 2 * gauss();
    const basket = [40, 15, 120, 30][c] + 8 * gauss();
    const tenure = [4, 2, 6, 8][c] + gauss();
    const channel = random() < [0.5, 0.8, 0.3, 0.4][c] ? 'web' : 'store';
    lines.push(`${Math.max(0, visits).toFixed(0)},${basket.toFixed(2)},${Math.max(0, tenure).toFixed(1)},${channel},${customerSegments[c]}`);
  }
  const path = join(dir, 'customers.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A table MLP for the customers table: 5 encoded inputs (3 numbers, one-hot channel), 4 segments. */
export function customersGraph(): Graph {
  return sequential([
    { id: 'input', type: 'Input', name: 'customer', params: { shape: [5] } },
    { id: 'hidden', type: 'Dense', name: 'hidden', params: { units: 16, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'segment', params: { units: 4, activation: 'softmax' } },
  ]);
}

export function customersBinding(csv: string): DatasetBinding {
  return { source: csv, kind: 'table', task: 'classification', target: 'segment', scaling: 'standard' } as DatasetBinding;
}

export interface LearningCase {
  name: string;
  graph: Graph;
  binding: DatasetBinding;
  training: Partial<TrainingConfig>;
}

const lr10 = { name: 'adam', learningRate: 10 } as TrainingConfig['optimizer'];

/** The three failures of the issue: each must end "did not learn". */
export function failureCases(dir: string): LearningCase[] {
  const moons = getTemplate('binary-classifier')!;
  const housing = getTemplate('regression')!;
  return [
    { name: 'imbalanced 4-class table, Adam at learning rate 10', graph: customersGraph(), binding: customersBinding(writeCustomersCsv(dir)), training: { optimizer: lr10, epochs: 20, batchSize: 16 } },
    { name: 'two-moons, Adam at learning rate 10', graph: moons.graph, binding: moons.dataset, training: { ...moons.training, optimizer: lr10, epochs: 20 } },
    { name: 'house prices, Adam at learning rate 10', graph: housing.graph, binding: housing.dataset, training: { ...housing.training, optimizer: lr10, epochs: 20 } },
  ];
}

/** The customers table as a project file: the table MLP bound to the CSV, with these training settings. */
export function customersProject(csv: string, training: Partial<TrainingConfig>) {
  const graph = customersGraph();
  return newProject('Customers', {
    graph,
    layout: { positions: autoLayout(graph, { direction: 'TB' }) },
    dataset: customersBinding(csv),
    training: makeTrainingConfig({ epochs: 20, batchSize: 16, ...training }),
  });
}
