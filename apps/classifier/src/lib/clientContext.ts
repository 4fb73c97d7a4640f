import type { ChorusClient } from '@chorus/client';
import { createContext, useContext } from 'react';

/** The API client of the volunteer's session, provided once the session has a token. */
export const ClientContext = createContext<ChorusClient | null>(null);

export function useClient(): ChorusClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() must be used inside <ClientContext.Provider>');
  return client;
}
