// The layout of an uploaded image set, the same rule in the page (checking a zip before sending it) and on
// the host (before writing): every image sits in a class folder, `class/file.png`, once a top folder common
// to every file ("flowers/roses/a.png" from a picked folder) is dropped.

/** Each path's `[class, file]` segments; `bad` is the first path (by index) that is not in a class folder. */
export function classFolderSegments(parts: readonly (readonly string[])[]): { pairs: [string, string][]; bad: null } | { pairs: null; bad: number } {
  const top = parts[0]?.[0];
  const stripped = parts.every((p) => p.length === 3 && p[0] === top) ? parts.map((p) => p.slice(1)) : parts;
  const bad = stripped.findIndex((p) => p.length !== 2);
  if (bad >= 0) return { pairs: null, bad };
  return { pairs: stripped.map((p) => [p[0], p[1]]), bad: null };
}

/** Why an image is refused for its place: it is not inside a class folder. */
export const notInClassFolder = (path: string) =>
  `"${path}" is not in a class folder: put the images in one subfolder per class (e.g. "cats/1.png").`;
