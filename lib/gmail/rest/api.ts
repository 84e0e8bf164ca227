import type { gmail_v1 } from '@googleapis/gmail';
import { fillPath, type Media, multipartBody, queryString } from './encode.ts';
import { type CallOptions, type GmailRequest, type GmailSession, gmailFetch } from './transport.ts';

/**
 * A method's parameters as googleapis declares them (types only, from `@googleapis/gmail`),
 * without its `auth` (the session signs) and with our media shape.
 */
type Params<P> = Omit<P, 'auth' | 'media'> & { media?: Media | undefined };

/** One Gmail method: googleapis' call shape, `(params, {signal}) -> {data}`. */
export type GmailMethod<P, R> = (params: Params<P>, options?: CallOptions) => Promise<{ data: R }>;

/**
 * The Gmail methods the broker calls, shaped as googleapis' `gmail_v1.Gmail` so that call
 * sites read the same, over global fetch instead of googleapis' client stack.
 */
export interface GmailClient {
  users: {
    getProfile: GmailMethod<gmail_v1.Params$Resource$Users$Getprofile, gmail_v1.Schema$Profile>;
    messages: {
      get: GmailMethod<gmail_v1.Params$Resource$Users$Messages$Get, gmail_v1.Schema$Message>;
      list: GmailMethod<gmail_v1.Params$Resource$Users$Messages$List, gmail_v1.Schema$ListMessagesResponse>;
      send: GmailMethod<gmail_v1.Params$Resource$Users$Messages$Send, gmail_v1.Schema$Message>;
      batchModify: GmailMethod<gmail_v1.Params$Resource$Users$Messages$Batchmodify, void>;
      attachments: {
        get: GmailMethod<gmail_v1.Params$Resource$Users$Messages$Attachments$Get, gmail_v1.Schema$MessagePartBody>;
      };
    };
    threads: {
      get: GmailMethod<gmail_v1.Params$Resource$Users$Threads$Get, gmail_v1.Schema$Thread>;
      modify: GmailMethod<gmail_v1.Params$Resource$Users$Threads$Modify, gmail_v1.Schema$Thread>;
    };
    drafts: {
      create: GmailMethod<gmail_v1.Params$Resource$Users$Drafts$Create, gmail_v1.Schema$Draft>;
      delete: GmailMethod<gmail_v1.Params$Resource$Users$Drafts$Delete, void>;
      get: GmailMethod<gmail_v1.Params$Resource$Users$Drafts$Get, gmail_v1.Schema$Draft>;
      list: GmailMethod<gmail_v1.Params$Resource$Users$Drafts$List, gmail_v1.Schema$ListDraftsResponse>;
      send: GmailMethod<gmail_v1.Params$Resource$Users$Drafts$Send, gmail_v1.Schema$Message>;
    };
    labels: {
      list: GmailMethod<gmail_v1.Params$Resource$Users$Labels$List, gmail_v1.Schema$ListLabelsResponse>;
    };
  };
}

/** Where a method lives (Gmail REST reference: HTTP method and path template under `gmail/v1/`). */
interface Route {
  name: string;
  method: GmailRequest['method'];
  path: string;
}

/**
 * The request of one call: path parameters into the path, `requestBody` as JSON, `media`
 * to the upload path (`upload/gmail/v1/…`, multipart with the metadata or bare media),
 * everything else into the query.
 */
function toRequest(route: Route, params: Readonly<Record<string, unknown>>): GmailRequest {
  const { requestBody, media, ...named } = params as { requestBody?: unknown; media?: Media };
  const { path, rest } = fillPath(route.path, named);
  const what = `${route.method} ${route.name}`;
  if (media) {
    const upload = requestBody === undefined ? 'media' : 'multipart';
    const body =
      requestBody === undefined ? { contentType: media.mimeType, body: media.body } : multipartBody(requestBody, media);
    return {
      method: route.method,
      path: `upload/gmail/v1/${path}${queryString({ ...rest, uploadType: upload })}`,
      body,
      what,
    };
  }
  return {
    method: route.method,
    path: `gmail/v1/${path}${queryString(rest)}`,
    ...(requestBody === undefined
      ? {}
      : { body: { contentType: 'application/json; charset=UTF-8', body: JSON.stringify(requestBody) } }),
    what,
  };
}

function method<P, R>(session: GmailSession, route: Route): GmailMethod<P, R> {
  return async (params, options = {}) => ({
    data: (await gmailFetch(session, toRequest(route, params as Record<string, unknown>), options)) as R,
  });
}

const USER = 'users/{userId}';

/** The client of one session: each method a route of Gmail's REST API. */
export function gmailClient(session: GmailSession): GmailClient {
  const get = (name: string, path: string): Route => ({ name, method: 'GET', path });
  const post = (name: string, path: string): Route => ({ name, method: 'POST', path });
  return {
    users: {
      getProfile: method(session, get('users.getProfile', `${USER}/profile`)),
      messages: {
        get: method(session, get('users.messages.get', `${USER}/messages/{id}`)),
        list: method(session, get('users.messages.list', `${USER}/messages`)),
        send: method(session, post('users.messages.send', `${USER}/messages/send`)),
        batchModify: method(session, post('users.messages.batchModify', `${USER}/messages/batchModify`)),
        attachments: {
          get: method(session, get('users.messages.attachments.get', `${USER}/messages/{messageId}/attachments/{id}`)),
        },
      },
      threads: {
        get: method(session, get('users.threads.get', `${USER}/threads/{id}`)),
        modify: method(session, post('users.threads.modify', `${USER}/threads/{id}/modify`)),
      },
      drafts: {
        create: method(session, post('users.drafts.create', `${USER}/drafts`)),
        delete: method(session, { name: 'users.drafts.delete', method: 'DELETE', path: `${USER}/drafts/{id}` }),
        get: method(session, get('users.drafts.get', `${USER}/drafts/{id}`)),
        list: method(session, get('users.drafts.list', `${USER}/drafts`)),
        send: method(session, post('users.drafts.send', `${USER}/drafts/send`)),
      },
      labels: {
        list: method(session, get('users.labels.list', `${USER}/labels`)),
      },
    },
  };
}
