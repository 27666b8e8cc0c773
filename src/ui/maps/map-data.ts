/**
 * The committed map geometries (Natural Earth, public domain; see docs/methods/maps.md and
 * scripts/extract-map.ts) and the names of their regions in the user's language.
 */
import { readFileSync } from 'node:fs';
import { iso31661 } from 'iso-3166';
import type { Lang } from '../../shared/i18n/index.js';

export const mapIds = ['ve', 'world'] as const;
export type MapId = (typeof mapIds)[number];

export interface MapFeature {
  type: 'Feature';
  id: string;
  properties: { code: string; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

export interface MapGeoJson {
  type: 'FeatureCollection';
  features: MapFeature[];
}

const files: Record<MapId, string> = { ve: 've-admin1.json', world: 'world-110m.json' };
const cache = new Map<MapId, MapGeoJson>();

/** The GeoJSON of one map, features keyed by ISO 3166-2 (ve) or ISO 3166-1 alpha-2 (world), sorted by code. */
export function loadMap(id: MapId): MapGeoJson {
  let g = cache.get(id);
  if (!g) {
    g = JSON.parse(readFileSync(new URL(`./data/${files[id]}`, import.meta.url), 'utf8')) as MapGeoJson;
    cache.set(id, g);
  }
  return g;
}

export function isMapId(s: unknown): s is MapId {
  return typeof s === 'string' && (mapIds as readonly string[]).includes(s);
}

// Kosovo's user-assigned code is in common use and drawn on the world map.
const countryCodes = new Set([...iso31661.map((c) => c.alpha2), 'XK']);

/**
 * Codes a map accepts: Venezuela's 25 subdivisions; for the world, any ISO 3166-1 alpha-2 code,
 * since small countries (Singapore, Malta…) are missing at 1:110m but still have data to report.
 */
export function isAcceptedCode(id: MapId, code: string): boolean {
  return id === 'world' ? countryCodes.has(code) : loadMap(id).features.some((f) => f.id === code);
}

export function isDrawn(id: MapId, code: string): boolean {
  return loadMap(id).features.some((f) => f.id === code);
}

export function regionCodes(id: MapId): string[] {
  return loadMap(id).features.map((f) => f.id);
}

const displayNames = new Map<Lang, Intl.DisplayNames>();

/**
 * A region's name in the user's language. Venezuelan states keep their official Spanish name in
 * both languages (ISO 3166-2 lists them so); countries come from Intl.DisplayNames, with Natural
 * Earth's English name as a fallback.
 */
export function regionName(id: MapId, code: string, lang: Lang): string {
  const f = loadMap(id).features.find((x) => x.id === code);
  if (id === 've') return f?.properties.name ?? code;
  let dn = displayNames.get(lang);
  if (!dn) {
    dn = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    displayNames.set(lang, dn);
  }
  let name: string | undefined;
  try {
    name = dn.of(code);
  } catch {
    name = undefined;
  }
  return name ?? f?.properties.name ?? code;
}
