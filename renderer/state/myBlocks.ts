// "My blocks" as the palette shows them: the host's saved blocks, loaded once the API is there and again
// after the inspector saves one. Kept here because the palette and the inspector are different panels.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import type { Block } from '../../app/graph/types.ts';
import type { SavedBlock } from '../../app/project/blockFile.ts';

interface MyBlocksState {
  blocks: SavedBlock[];
}

export const myBlocksStore = createStore<MyBlocksState>()(() => ({ blocks: [] }));

export function useMyBlocks(): SavedBlock[] {
  return useStore(myBlocksStore, (s) => s.blocks);
}

/** Reloads the list from the host; a failure leaves the list as it was (the palette still works). */
export async function refreshMyBlocks(api: ModelwrightApi): Promise<void> {
  try {
    myBlocksStore.setState({ blocks: await api.projects.listBlocks() });
  } catch {
    // The host may be one without a data folder; the built-in blocks still show.
  }
}

/** Saves a block under `name` (the next version when the name exists) and reloads the list. */
export async function saveToMyBlocks(api: ModelwrightApi, name: string, block: Block): Promise<SavedBlock> {
  const saved = await api.projects.saveBlock(name, block);
  await refreshMyBlocks(api);
  return saved;
}
