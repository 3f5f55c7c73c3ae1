// How a data source reads in run names, tables and labels: `iris` for `builtin:iris`, the file or folder
// name for a path, and an uploaded file under the name it was uploaded with (uploads are stored under that
// name in the workspace; histories from before kept them as `<16 hex digits of the content hash>-<name>`).

/** `<hash>-<name>`: how uploads were named before the workspace (older runs still point there). */
const uploadedName = /^[0-9a-f]{16}-(.+)$/;

/** The last part of a path, `/` or `\` separated. */
function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The name a person knows their data by: `builtin:iris` → `iris`, `/…/uploads/058e…-customers.csv` → `customers.csv`. */
export function dataSourceName(source: string): string {
  if (source.startsWith('builtin:')) return source.slice('builtin:'.length);
  const name = baseName(source);
  const parts = source.split(/[\\/]/).filter(Boolean);
  // Only files in an uploads folder carry the hash prefix; a user's own "0123456789abcdef-x.csv" keeps its name.
  const uploaded = parts.length >= 2 && parts[parts.length - 2] === 'uploads' ? uploadedName.exec(name) : null;
  return uploaded ? uploaded[1] : name;
}
