import * as z from 'zod';

/**
 * Request bodies of the control API (`/__emulator/...`) and what it answers. The routes
 * validate with these schemas; the typed client takes their input types.
 */

export const CreateUserBody = z.object({
  email: z.string().min(3).includes('@'),
  name: z.string().optional(),
  token: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  /** Full scope URLs, or short forms like `gmail.send` and `email`. */
  scopes: z.array(z.string().min(1)).optional(),
  expiresInSeconds: z.number().optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().optional(),
});

export const SeedMessageBody = z
  .object({
    email: z.string().min(1),
    /** The RFC 822 source as text. */
    raw: z.string().min(1).optional(),
    /** Or as base64 (standard or url-safe), for sources that are not valid UTF-8. */
    rawBase64: z.string().min(1).optional(),
    labelIds: z.array(z.string().min(1)).optional(),
    threadId: z.string().min(1).optional(),
    /** Milliseconds since the epoch (number or digit string) or an ISO date. */
    internalDate: z.union([z.number(), z.string()]).optional(),
    /**
     * Store this many messages with the same source (default 1), sharing one copy in
     * memory: a hundred mails with 10 MB attachments without a gigabyte of emulator.
     */
    copies: z.number().int().min(1).max(500).optional(),
  })
  .refine((body) => (body.raw === undefined) !== (body.rawBase64 === undefined), {
    message: 'give exactly one of raw and rawBase64',
  });

export const TokenBody = z.object({ token: z.string().min(1) });
export const EmailBody = z.object({ email: z.string().min(1) });

/** A regular expression source matched against a request's path. */
const PathPattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

export const LatencyBody = z.object({
  ms: z.number().min(0).max(120_000),
  /** Delay only the requests whose path matches (all Gmail and OAuth requests when omitted). */
  pathPattern: PathPattern.optional(),
});

export const FaultBody = z.object({
  method: z.string().min(1).optional(),
  pathPattern: PathPattern,
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  times: z.number().int().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

export type CreateUserInput = z.input<typeof CreateUserBody>;
export type SeedMessageInput = z.input<typeof SeedMessageBody>;
export type FaultInput = z.input<typeof FaultBody>;

export interface CreatedUser {
  email: string;
  token: string;
  refreshToken: string;
}

export interface SeededMessage {
  id: string;
  threadId: string;
}

export type { SentRecord as SentMessage } from './mailbox.ts';
export type { RecordedRequest } from './traffic.ts';
