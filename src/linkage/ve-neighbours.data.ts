/**
 * Land borders between Venezuela's states (ISO 3166-2:VE), used by the "neighbouring subdivision"
 * comparison level. Nueva Esparta (VE-O) and the Dependencias Federales (VE-W) are islands with no
 * land neighbour. A config may replace this table (`neighbours`), e.g. for another country.
 */
const borders: Record<string, string[]> = {
  'VE-A': ['VE-M', 'VE-X'],
  'VE-B': ['VE-M', 'VE-J', 'VE-N', 'VE-R', 'VE-F'],
  'VE-C': ['VE-Z', 'VE-F', 'VE-J', 'VE-E', 'VE-S'],
  'VE-D': ['VE-X', 'VE-M', 'VE-J', 'VE-G'],
  'VE-E': ['VE-C', 'VE-P', 'VE-T', 'VE-L', 'VE-S', 'VE-H'],
  'VE-F': ['VE-Y', 'VE-N', 'VE-B', 'VE-J', 'VE-C', 'VE-Z'],
  'VE-G': ['VE-D', 'VE-J', 'VE-H', 'VE-U'],
  'VE-H': ['VE-G', 'VE-U', 'VE-K', 'VE-P', 'VE-E', 'VE-J'],
  'VE-I': ['VE-V', 'VE-K', 'VE-U'],
  'VE-J': ['VE-M', 'VE-D', 'VE-G', 'VE-H', 'VE-B', 'VE-C', 'VE-F'],
  'VE-K': ['VE-I', 'VE-U', 'VE-H', 'VE-P', 'VE-T', 'VE-V'],
  'VE-L': ['VE-V', 'VE-T', 'VE-E', 'VE-S'],
  'VE-M': ['VE-A', 'VE-X', 'VE-D', 'VE-J', 'VE-B'],
  'VE-N': ['VE-B', 'VE-R', 'VE-Y', 'VE-F'],
  'VE-O': [],
  'VE-P': ['VE-E', 'VE-H', 'VE-K', 'VE-T'],
  'VE-R': ['VE-B', 'VE-N'],
  'VE-S': ['VE-V', 'VE-L', 'VE-E', 'VE-C'],
  'VE-T': ['VE-V', 'VE-K', 'VE-P', 'VE-E', 'VE-L'],
  'VE-U': ['VE-I', 'VE-G', 'VE-H', 'VE-K'],
  'VE-V': ['VE-I', 'VE-K', 'VE-T', 'VE-L', 'VE-S'],
  'VE-W': [],
  'VE-X': ['VE-A', 'VE-M', 'VE-D'],
  'VE-Y': ['VE-N', 'VE-F'],
  'VE-Z': ['VE-F', 'VE-C'],
};

export const VE_NEIGHBOURS: Readonly<Record<string, readonly string[]>> = borders;

/** A symmetric lookup "A|B" built from a neighbour table (symmetrised, so a one-sided entry is enough). */
export function neighbourPairs(table: Readonly<Record<string, readonly string[]>>): Set<string> {
  const out = new Set<string>();
  for (const [a, list] of Object.entries(table)) {
    for (const b of list) {
      out.add(`${a.toUpperCase()}|${b.toUpperCase()}`);
      out.add(`${b.toUpperCase()}|${a.toUpperCase()}`);
    }
  }
  return out;
}
