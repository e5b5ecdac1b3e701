import { createContext, useContext } from 'react';

/**
 * Leave the signed-in pages for `to` (the login page), then drop every answer of the session.
 * In that order: clearing while those pages are still mounted would make them fetch again (and
 * put session answers back in the cache) on the way out. create-app.tsx provides it; the 401
 * handler in lib/query-client.ts takes the same way out.
 */
export type LeaveSession = (to: string) => Promise<void>;

export const LeaveSessionContext = createContext<LeaveSession | null>(null);

export function useLeaveSession(): LeaveSession {
  const leave = useContext(LeaveSessionContext);
  if (!leave) throw new Error('useLeaveSession needs the app (createApp) around it');
  return leave;
}
