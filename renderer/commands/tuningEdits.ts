// "Use best settings" from a sweep as one undoable edit: the trial's training settings and layer
// parameters written into the project (app/tuning/settings.ts applies and checks them).
import type { ProjectDocument } from '../../app/project/document.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import { applySettings } from '../../app/tuning/settings.ts';
import { SpaceError, type TrialSettings } from '../../app/tuning/space.ts';
import type { EditResult, FieldChange, LayerChange } from '../state/patch.ts';
import { CommandError } from './graphEdits.ts';

export function applySweepSettings(doc: ProjectDocument, args: { settings: TrialSettings }): EditResult | null {
  const config = doc.training ?? makeTrainingConfig();
  let next: ReturnType<typeof applySettings>;
  try {
    next = applySettings(doc.graph, config, args.settings);
  } catch (err) {
    // The project changed since the sweep (a layer renamed or removed): say which setting no longer fits.
    if (err instanceof SpaceError) throw new CommandError(`These settings no longer fit the project: ${err.message}`);
    throw err;
  }
  const layers: LayerChange[] = [];
  doc.graph.layers.forEach((layer, index) => {
    const after = next.graph.layers[index];
    if (JSON.stringify(after.params) !== JSON.stringify(layer.params)) layers.push({ id: layer.id, before: layer, after, index });
  });
  const fields: FieldChange[] = JSON.stringify(next.config) === JSON.stringify(config) ? [] : [{ key: 'training', before: doc.training, after: next.config }];
  if (layers.length === 0 && fields.length === 0) return null;
  return { patch: { layers, fields } };
}
