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
