/**
 * The only things API Access keeps in browser storage. The key set is closed on purpose: a token,
 * a password or a cookie can never be written here by mistake (docs/security.md).
 */
export type PreferenceKey = 'theme' | 'language' | 'lastCloud' | 'lastRegion';

const prefix = 'api-access.';

export function readPreference(key: PreferenceKey): string | null {
  try {
    return window.localStorage.getItem(prefix + key);
  } catch {
    return null; // storage disabled (private mode, policy): preferences are a nicety
  }
}

export function writePreference(key: PreferenceKey, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(prefix + key);
    else window.localStorage.setItem(prefix + key, value);
  } catch {
    // ignored: see readPreference
  }
}
