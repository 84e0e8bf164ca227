import { seedMessage } from './delivery.ts';
import type { EmulatorState } from './state.ts';

/**
 * The demo mailbox `npm start` serves: a fixed user and token a newcomer can paste into
 * curl, and a handful of real-looking RFC 822 sources covering the MIME shapes the
 * broker must read (plain, alternative, HTML-only, RFC 2047 + ISO-8859-1, Reply-To).
 */

/** The demo user's fixed credentials. */
export const DEMO_USER = {
  email: 'demo@example.com',
  token: 'demo-token',
  refreshToken: 'demo-refresh-token',
} as const;

const source = (lines: readonly string[]) => `${lines.join('\r\n')}\r\n`;

/** Read, and the start of the thread the first unread message replies in. */
const KICKOFF = source([
  'From: Alice Chen <alice@example.com>',
  'To: Demo User <demo@example.com>',
  'Subject: Project kickoff notes',
  'Date: Mon, 02 Nov 2026 09:15:00 +0000',
  'Message-ID: <kickoff.2026-11-02@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Hi,',
  '',
  'Notes from this morning: scope agreed, first demo in two weeks.',
  '',
  'Alice',
]);

/** Unread, plain text, a reply in the kickoff thread. */
const LUNCH = source([
  'From: Alice Chen <alice@example.com>',
  'To: Demo User <demo@example.com>',
  'Subject: Re: Project kickoff notes',
  'Date: Tue, 03 Nov 2026 11:02:00 +0000',
  'Message-ID: <lunch.2026-11-03@example.com>',
  'In-Reply-To: <kickoff.2026-11-02@example.com>',
  'References: <kickoff.2026-11-02@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'One more thing: lunch on Thursday to go over the plan?',
  '',
  'Alice',
]);

/** Unread, multipart/alternative. */
const REPORT = source([
  'From: Bob Martin <bob@example.org>',
  'To: demo@example.com',
  'Cc: Alice Chen <alice@example.com>',
  'Subject: Quarterly report draft',
  'Date: Tue, 03 Nov 2026 15:40:00 +0000',
  'Message-ID: <report.q4@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="=_alt_7f3a"',
  '',
  '--=_alt_7f3a',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Hi Demo,',
  '',
  'The draft of the quarterly report is ready. Could you review section 2 by Friday?',
  '',
  'Bob',
  '--=_alt_7f3a',
  'Content-Type: text/html; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  '<p>Hi Demo,</p><p>The draft of the <b>quarterly report</b> is ready. Could you review section 2 by Friday?</p><p>Bob</p>',
  '--=_alt_7f3a--',
]);

/** Unread, HTML only. */
const SHIPPED = source([
  'From: Acme Store <orders@shop.example>',
  'To: demo@example.com',
  'Subject: Your order #10423 has shipped',
  'Date: Wed, 04 Nov 2026 08:05:00 +0000',
  'Message-ID: <order-10423.shipped@shop.example>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  '<html><body><h1>Good news!</h1><p>Order <strong>#10423</strong> is on its way &amp; should arrive Friday.</p></body></html>',
]);

/** Unread: RFC 2047 subject and sender name, ISO-8859-1 quoted-printable body. */
const MEETING = source([
  'From: =?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@example.es>',
  'To: demo@example.com',
  'Subject: =?ISO-8859-1?Q?Reuni=F3n_ma=F1ana_en_el_caf=E9?=',
  'Date: Wed, 04 Nov 2026 17:30:00 +0100',
  'Message-ID: <reunion.manana@example.es>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=ISO-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hola Demo,',
  '',
  '=BFNos vemos ma=F1ana a las 10 en el caf=E9 de la esquina? Traer=E9 el borr=',
  'ador del presupuesto.',
  '',
  'Saludos,',
  'Jos=E9',
]);

/** Unread, sent through a list: replies must go to Reply-To, not From. */
const OFFSITE = source([
  'From: Carol Diaz via Team <team@lists.example.com>',
  'Reply-To: Carol Diaz <carol@example.net>',
  'To: team@lists.example.com',
  'Subject: Offsite agenda',
  'Date: Thu, 05 Nov 2026 10:00:00 +0000',
  'Message-ID: <offsite.agenda@lists.example.com>',
  'List-Id: Team <team.lists.example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Draft agenda for the offsite is attached below. Reply to me directly with changes.',
  '',
  '1. Roadmap',
  '2. Hiring',
  '3. Dinner',
]);

/** Every fixture with its labels, oldest first. */
export const DEMO_MESSAGES: readonly { raw: string; labelIds: readonly string[] }[] = [
  { raw: KICKOFF, labelIds: ['INBOX'] },
  { raw: LUNCH, labelIds: ['INBOX', 'UNREAD'] },
  { raw: REPORT, labelIds: ['INBOX', 'UNREAD'] },
  { raw: SHIPPED, labelIds: ['INBOX', 'UNREAD'] },
  { raw: MEETING, labelIds: ['INBOX', 'UNREAD'] },
  { raw: OFFSITE, labelIds: ['INBOX', 'UNREAD'] },
];

/** A year: the demo token is pasted into curl lines and must not die after an hour. */
const DEMO_TOKEN_SECONDS = 365 * 24 * 3600;

/** Creates the demo user with its fixed tokens and seeds its mailbox. */
export async function seedDemoMailbox(state: EmulatorState): Promise<void> {
  state.createUser({ ...DEMO_USER, name: 'Demo User', expiresInSeconds: DEMO_TOKEN_SECONDS });
  const mailbox = state.mailbox(DEMO_USER.email);
  if (mailbox === undefined) throw new Error('demo mailbox missing right after creating it');
  for (const message of DEMO_MESSAGES) {
    await seedMessage(mailbox, { raw: Buffer.from(message.raw), labelIds: message.labelIds });
  }
}
