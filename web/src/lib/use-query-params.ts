import { useMemo } from 'react';
import { useRouter } from 'wouter';

/**
 * The current URL's query, decoded once. wouter's useSearch (and useSearchParams) runs decodeURI
 * over the query before URLSearchParams decodes it again, so a `%25` in a value (a cloud named
 * `a%41` in `?cloud=a%2541`) would come out as `aA`: here URLSearchParams alone decodes the query
 * the router's location hook gives (the browser's, or a memory location in tests).
 */
export function useQueryParams(): URLSearchParams {
  const router = useRouter();
  const search = router.searchHook(router);
  return useMemo(() => new URLSearchParams(search), [search]);
}
