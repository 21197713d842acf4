import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Session } from '@fidelis/contracts';
import { api, ApiError, setCsrfToken } from '../../api/api-client.ts';
import { followUserLocale } from '../../i18n/i18n.ts';

export const sessionKey = ['session'] as const;

/** The signed-in user and tenant, or null when nobody is logged in. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api.get<Session>('/v1/auth/session');
    setCsrfToken(session.csrfToken);
    await followUserLocale(session.user.locale);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export interface LoginInput {
  email: string;
  password: string;
}

export async function login(input: LoginInput): Promise<Session> {
  const session = await api.post<Session>('/v1/auth/login', input);
  setCsrfToken(session.csrfToken);
  await followUserLocale(session.user.locale);
  return session;
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 5 * 60_000 });
}

/** The session of a page inside the shell, where it is known to exist. */
export function useCurrentSession(): Session {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentSession outside a signed-in page');
  return data;
}

export function useLogout() {
  const queryClient = useQueryClient();
  return async () => {
    try {
      await api.post<null>('/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(sessionKey, null);
    }
  };
}
