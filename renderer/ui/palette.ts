// Series and class colours shared by every chart, so run 2 or class 3 has the same colour everywhere.

/** Distinct colours for up to 10 classes (Tableau 10), repeating after that. */
export const classPalette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function classColor(index: number): string {
  return classPalette[((index % classPalette.length) + classPalette.length) % classPalette.length];
}
