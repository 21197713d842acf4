import type { ErrorCode, Problem } from '@fidelis/contracts';

/** A failed API call: the server's problem+json, or a network failure (`code` INTERNAL, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly fieldErrors: NonNullable<Problem['errors']>;
  readonly requestId: string | undefined;

  constructor(status: number, problem: Partial<Problem> & { code: ErrorCode }) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
    this.requestId = problem.requestId;
  }
}

let csrfToken: string | null = null;

/** Remembers the token from the login/session reply; every write sends it back. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  /** Extra request headers, such as `if-match` or `idempotency-key`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      if (typeof body.code === 'string')
        return new ApiError(response.status, { ...body, code: body.code });
    } catch {
      // fall through to the generic error below
    }
  }
  const code: ErrorCode =
    response.status === 401
      ? 'UNAUTHENTICATED'
      : response.status === 403
        ? 'FORBIDDEN'
        : response.status === 404
          ? 'ROUTE_NOT_FOUND'
          : response.status === 503
            ? 'SERVICE_UNAVAILABLE'
            : 'INTERNAL';
  return new ApiError(response.status, {
    code,
    detail: `${response.status} ${response.statusText}`,
  });
}

/** Calls the API on the same origin with the session cookie; throws ApiError on failure. */
export async function apiRequest<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) {
    headers['content-type'] = options.contentType;
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'SERVICE_UNAVAILABLE', detail: String(error) });
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await response.text()) as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
    apiRequest<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, json?: unknown) =>
    apiRequest<T>('POST', path, json === undefined ? {} : { json }),
  put: <T>(path: string, json?: unknown) =>
    apiRequest<T>('PUT', path, json === undefined ? {} : { json }),
  patch: <T>(path: string, json: unknown) => apiRequest<T>('PATCH', path, { json }),
  delete: <T>(path: string, json?: unknown) =>
    apiRequest<T>('DELETE', path, json === undefined ? {} : { json }),
};
