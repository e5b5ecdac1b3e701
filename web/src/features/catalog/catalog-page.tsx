export function CatalogPage() {
  return <main id="main" className="p-4"><h1 className="text-2xl font-semibold">Catalog</h1></main>;
}
