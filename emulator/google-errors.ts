import { HttpError } from './http.ts';

/**
 * Error answers in the exact shapes Google's APIs use, so the broker's error mapping
 * (status, `errors[0].reason`, `status`) is exercised against what production sends.
 */

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

interface ErrorEntry {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** The `{"error":{code,message,errors,status}}` envelope of Google JSON APIs. */
export function googleErrorBody(code: number, message: string, entry: ErrorEntry, details?: unknown[]): unknown {
  return {
    error: {
      code,
      message,
      errors: [entry],
      status: STATUS_NAMES[code] ?? 'UNKNOWN',
      ...(details === undefined ? {} : { details }),
    },
  };
}

/** The envelope of most of Google's errors: one entry, repeating the top-level message. */
function plainErrorBody(code: number, message: string, domain: string, reason: string): unknown {
  return googleErrorBody(code, message, { message, domain, reason });
}

/** 401 for an unknown, revoked or expired access token. */
export function invalidCredentials(): HttpError {
  return new HttpError(
    401,
    googleErrorBody(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      {
        message: 'Invalid Credentials',
        domain: 'global',
        reason: 'authError',
        location: 'Authorization',
        locationType: 'header',
      },
    ),
    { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

/** 403 for a valid token without a scope the method needs; `method` names the RPC. */
export function insufficientScope(method: string): HttpError {
  return new HttpError(
    403,
    googleErrorBody(
      403,
      'Request had insufficient authentication scopes.',
      { message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' },
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { service: 'gmail.googleapis.com', method: `caribou.api.proto.MailboxService.${method}` },
        },
      ],
    ),
    {
      'WWW-Authenticate':
        'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://mail.google.com/"',
    },
  );
}

/** 403 when the path names another user's mailbox. */
export function delegationDenied(userId: string): HttpError {
  return new HttpError(403, plainErrorBody(403, `Delegation denied for ${userId}`, 'global', 'forbidden'));
}

export function notFound(message = 'Requested entity was not found.'): HttpError {
  return new HttpError(404, plainErrorBody(404, message, 'global', 'notFound'));
}

export function invalidArgument(message: string): HttpError {
  return new HttpError(400, plainErrorBody(400, message, 'global', 'invalidArgument'));
}

/** The OAuth endpoints' flat `{error, error_description}` shape. */
export function oauthError(status: number, error: string, description: string): HttpError {
  return new HttpError(status, { error, error_description: description });
}

/**
 * The body a fault answers with when the test gave none: what Google sends for that
 * status, so retry logic sees the real reasons (`rateLimitExceeded`, `backendError`).
 * A 403 fault is the retryable per-user rate limit; missing scopes have their own path.
 */
export function defaultFaultBody(status: number, oauth: boolean): unknown {
  if (oauth) {
    if (status === 400) return { error: 'invalid_grant', error_description: 'Bad Request' };
    if (status === 401) return { error: 'invalid_client', error_description: 'Unauthorized' };
    if (status === 429) return { error: 'rate_limit_exceeded', error_description: 'Rate limit exceeded.' };
    return { error: 'internal_failure', error_description: 'Backend Error' };
  }
  switch (status) {
    case 400:
      return invalidArgument('Invalid argument.').body;
    case 401:
      return invalidCredentials().body;
    case 403:
      return plainErrorBody(403, 'User-rate limit exceeded.', 'usageLimits', 'userRateLimitExceeded');
    case 404:
      return notFound().body;
    case 429:
      return plainErrorBody(429, 'Too many concurrent requests for user.', 'usageLimits', 'rateLimitExceeded');
    case 503:
      return plainErrorBody(503, 'The service is currently unavailable.', 'global', 'backendError');
    default:
      if (status >= 500) {
        return plainErrorBody(status, 'Internal error encountered.', 'global', 'backendError');
      }
      return plainErrorBody(status, 'Request failed.', 'global', 'failed');
  }
}
