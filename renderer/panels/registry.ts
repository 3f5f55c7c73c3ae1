// The studio's panels. To add one, add ONE line to `panels` below pointing at a module whose default
// export is the panel's component (loaded lazily, so heavy panels such as the code editor cost nothing
// until opened). The shell gives every panel a tab, a shortcut, an error boundary and a loading state.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface PanelDefinition {
  /** Stable id, used in `showPanel:<id>` commands and `data-testid="panel-tab-<id>"`. */
  id: string;
  /** Tab text. */
  title: string;
  /** One or two characters shown before the title (a symbol, not an image, so it follows the theme). */
  icon: string;
  component: ComponentType | LazyExoticComponent<ComponentType>;
  /** Shortcut that shows the panel, e.g. `Alt+2` (listed under `?`). */
  shortcut?: string;
  /** `main`: a tab in the main area (default); `side`: the column on the right (the inspector). */
  area?: 'main' | 'side';
  /** Side panels: the main panels it is shown beside (default: all). The inspector only makes sense with the canvas. */
  showWith?: string[];
  /** Tab order; lower first (default: order in the list). */
  order?: number;
}

export const panels: PanelDefinition[] = [
  { id: 'canvas', title: 'Model', icon: '◇', shortcut: 'Alt+1', component: lazy(() => import('./canvas/CanvasPanel.tsx')) },
  { id: 'inspector', title: 'Inspector', icon: 'ⓘ', area: 'side', showWith: ['canvas'], component: lazy(() => import('./inspector/InspectorPanel.tsx')) },
  // Panels of other areas go here, one line each, e.g.:
  // { id: 'data', title: 'Data', icon: '▦', shortcut: 'Alt+2', component: lazy(() => import('./data/DataPanel.tsx')) },
  { id: 'data', title: 'Data', icon: '▦', shortcut: 'Alt+2', component: lazy(() => import('./data/DataPanel.tsx')) },
  { id: 'training', title: 'Training', icon: '▶', shortcut: 'Alt+3', component: lazy(() => import('./training/TrainingPanel.tsx')) },
  { id: 'runs', title: 'Runs', icon: '☰', shortcut: 'Alt+4', component: lazy(() => import('./runs/RunsPanel.tsx')) },
  { id: 'evaluation', title: 'Evaluation', icon: '◎', shortcut: 'Alt+5', component: lazy(() => import('./evaluation/EvaluationPanel.tsx')) },
  { id: 'tryit', title: 'Try it', icon: '✎', shortcut: 'Alt+6', component: lazy(() => import('./tryit/TryItPanel.tsx')) },
  { id: 'code', title: 'Code', icon: '{}', shortcut: 'Alt+7', component: lazy(() => import('./code/CodePanel.tsx')) },
  { id: 'export', title: 'Export', icon: '⇪', shortcut: 'Alt+8', component: lazy(() => import('./export/ExportPanel.tsx')) },
];

export function mainPanels(): PanelDefinition[] {
  return panels.filter((p) => (p.area ?? 'main') === 'main').map((p, i) => ({ p, i })).sort((a, b) => (a.p.order ?? a.i) - (b.p.order ?? b.i)).map(({ p }) => p);
}

export function sidePanels(): PanelDefinition[] {
  return panels.filter((p) => p.area === 'side');
}
