import addressparser from 'nodemailer/lib/addressparser/index.js';
import * as z from '../zod.ts';
import { builtOnce } from './built.ts';

/**
 * Building blocks shared by the request schemas. Optional fields are `z.nullish()` so
 * that the same schema serves HTTP callers (who omit them) and OpenAI strict-mode tool
 * calls (which send `null`); handlers treat `null` and absent alike.
 */

const LINE_BREAK = /[\r\n]/;

/** Text that ends up in a mail header: a CR or LF would let input add headers. */
export function headerText(maxLength: number) {
  return z.string().check(
    z.maxLength(maxLength),
    z.refine((value) => !LINE_BREAK.test(value), { message: 'must not contain line breaks (CR or LF)' }),
  );
}

const SIMPLE_ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether a bare address is one we send to (`a@b.c`, no spaces, brackets or controls). */
export function isMailAddress(address: string): boolean {
  return address.length <= 320 && SIMPLE_ADDRESS.test(address) && !CONTROL.test(address);
}

/** The bare addresses in one recipient string (which may itself hold a comma list). */
export function addressesIn(value: string): string[] {
  const found: string[] = [];
  const walk = (entries: ReturnType<typeof addressparser>) => {
    for (const entry of entries) {
      if ('group' in entry && entry.group) walk(entry.group);
      else if ('address' in entry) found.push(entry.address);
    }
  };
  walk(addressparser(value));
  return found;
}

export const MAX_RECIPIENTS = 100;

/** Normalises `Recipients` (string or list) to a list of recipient strings. */
export function recipientList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The success envelope the original API answered with. */
export function successEnvelope<T extends z.ZodMiniType>(data: T) {
  return z.object({ success: z.literal(true), message: z.string(), data });
}

/** This module's schemas, built at their first use (./built.ts says why). */
export const commonSchemas = builtOnce('common', () => {
  /** One recipient: `a@b.com` or `Name <a@b.com>`; a comma-separated list also works. */
  const Recipient = headerText(998).check(
    z.trim(),
    z.minLength(3),
    z.refine(
      (value) => {
        const addresses = addressesIn(value);
        return addresses.length > 0 && addresses.every((address) => SIMPLE_ADDRESS.test(address));
      },
      { message: 'must be an email address like "a@example.com" or "Name <a@example.com>"' },
    ),
  );

  /** One recipient or a list of them. */
  const Recipients = z
    .union([Recipient, z.array(Recipient).check(z.minLength(1), z.maxLength(MAX_RECIPIENTS))])
    .check(z.describe('One email address (display names allowed: "Ana <ana@example.com>") or a list of them.'));

  /** Gmail message and thread ids are short base64url-like strings; anything else is refused early. */
  const GmailId = z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a Gmail id as returned by get_unread_emails'));

  /** The original API's credential block; the token itself is taken by lib/http. */
  const UserCredentials = z.object({
    access_token: z.string().check(z.minLength(1), z.maxLength(4096)),
    refresh_token: z.nullish(z.string().check(z.minLength(1), z.maxLength(4096))),
    email: z.nullish(z.string().check(z.maxLength(320))),
  });
  const ErrorEnvelope = z.object({
    success: z.literal(false),
    error: z.object({
      code: z.string().check(z.describe('Stable machine-readable error code.')),
      message: z.string(),
      details: z.optional(z.unknown()),
    }),
  });

  return { Recipient, Recipients, GmailId, UserCredentials, ErrorEnvelope };
});

type Schemas = ReturnType<typeof commonSchemas>;
export type UserCredentials = z.infer<Schemas['UserCredentials']>;
