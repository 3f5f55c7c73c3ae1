// The `catalog` service: graph validation for clients that do not run app/graph themselves (the
// renderer normally calls analyzeGraph directly; this keeps the contract complete for other clients).
import type { CatalogService } from '../../app/api/contract.ts';
import { analyzeGraph } from '../../app/graph/analyze.ts';

export function createCatalogService(): CatalogService {
  return {
    async validate(graph) {
      return analyzeGraph(graph);
    },
  };
}
