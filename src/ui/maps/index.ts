/** Choropleth maps of Venezuela (ISO 3166-2) and the world (ISO 3166-1 alpha-2) as accessible SVG. */
export { renderChoroplethMap, type ChoroplethInput } from './choropleth.map.js';
export { mapIds, regionCodes, regionName, type MapId } from './map-data.js';
