import type { Catalog } from '@contract/catalog';
import { endpointInterfaces, type EndpointInterface } from '@contract/common';

export interface CatalogFilters {
  region: string | null; // null: all
  iface: EndpointInterface | null;
  type: string | null;
}

export interface MatrixColumn {
  region: string | null; // null: an endpoint published without a region
  iface: EndpointInterface;
}

export interface MatrixRow {
  type: string;
  name: string;
  /** One entry per column: the URLs there (a catalog may list more than one). */
  cells: string[][];
}

export interface CatalogMatrix {
  regions: (string | null)[];
  interfaces: EndpointInterface[];
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

/** Services × (region × interface), filtered; services with no endpoint left are dropped. */
export function buildCatalogMatrix(catalog: Catalog, filters: CatalogFilters): CatalogMatrix {
  const hasRegionless = catalog.services.some((s) => s.endpoints.some((e) => e.region === null));
  const allRegions: (string | null)[] = [...catalog.regions];
  for (const service of catalog.services) {
    for (const e of service.endpoints)
      if (e.region !== null && !allRegions.includes(e.region)) allRegions.push(e.region);
  }
  if (hasRegionless) allRegions.push(null);

  const regions = filters.region === null ? allRegions : allRegions.filter((r) => r === filters.region);
  const interfaces = filters.iface === null ? [...endpointInterfaces] : [filters.iface];
  const columns = regions.flatMap((region) => interfaces.map((iface) => ({ region, iface })));

  const rows = catalog.services
    .filter((service) => filters.type === null || service.type === filters.type)
    .map((service) => ({
      type: service.type,
      name: service.name,
      cells: columns.map((column) =>
        service.endpoints
          .filter((e) => e.region === column.region && e.interface === column.iface)
          .map((e) => e.url),
      ),
    }))
    .filter((row) => row.cells.some((urls) => urls.length > 0))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));

  return { regions, interfaces, columns, rows };
}

export function listServiceTypes(catalog: Catalog): string[] {
  return [...new Set(catalog.services.map((s) => s.type))].sort();
}
