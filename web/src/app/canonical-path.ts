/**
 * A path as the routes know it: lower case, without a trailing slash (but `/` itself). Bookmarks,
 * proxies and hand-typed URLs bring `/catalog/` or `/Catalog`, which the routes accepted before
 * wouter (react-router matched case-insensitively and ignored a trailing slash).
 */
export function canonicalPath(pathname: string): string {
  const lower = pathname.toLowerCase();
  return lower.length > 1 ? lower.replace(/\/+$/, '') || '/' : lower;
}
