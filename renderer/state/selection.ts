// What is selected on the canvas: layers and connections, by id. Undo restores the selection of the time.

export interface Selection {
  layers: string[];
  connections: string[];
}

export const emptySelection: Selection = { layers: [], connections: [] };
