// What an ensemble run is made of: its method and its members with their weights. Declared once, as zod
// schemas, for the history (main/store/ensembles.ts), the API and every reader.
import { z } from 'zod';

/** average: mean of the members' outputs; weighted: weights fitted on the validation split; vote: majority of the predicted classes. */
export const ensembleMethods = ['average', 'weighted', 'vote'] as const;
export const ensembleMethodSchema = z.enum(ensembleMethods);

export const ensembleMemberSchema = z.object({
  /** 0-based order of the member in the fused model. */
  position: z.number().int().min(0),
  /** The member run; null when it was deleted after the ensemble was made (the ensemble keeps its own model). */
  runId: z.number().int().nullable(),
  /** The share of the member's output in the ensemble's (the weights sum to 1). */
  weight: z.number().min(0).max(1),
});

export const ensembleInfoSchema = z.object({
  method: ensembleMethodSchema,
  members: z.array(ensembleMemberSchema),
});

export type EnsembleMethod = z.infer<typeof ensembleMethodSchema>;
export type EnsembleMember = z.infer<typeof ensembleMemberSchema>;
export type EnsembleInfo = z.infer<typeof ensembleInfoSchema>;

/** What fusing runs gives (the CLI's --json and the API's `export.ensemble`): the new run, its test metrics beside its members'. */
export interface EnsembleOutcome {
  runId: number;
  runName: string;
  method: EnsembleMethod;
  /** Test metrics of the ensemble: accuracy and AUC (classification) or MAE, MSE and R² in the target's units (regression). */
  test: Record<string, number | null>;
  /** Each member evaluated the same way on the same test rows, with its weight in the ensemble. */
  members: { runId: number; name: string; weight: number; test: Record<string, number | null> }[];
  /** The members' parameters, summed: the fused model's own count. */
  params: number;
  /** The verified export (model.json + weights, examples, verification.json), as the caller may name it. */
  modelDir: string;
  /** Whether the exported files reproduced the ensemble's outputs. */
  verification: { passed: boolean; message: string };
  notes: string[];
}
