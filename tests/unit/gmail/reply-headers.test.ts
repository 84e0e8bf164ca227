import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMailbox, type ParsedMail, parseMessage } from '#lib/gmail/parse';
import { replyRecipients, replyReferences, replySubject } from '#lib/gmail/reply';

const fixture = (name: string) => parseMessage(readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url)));
const addresses = (list: Array<{ name: string; address: string }>) => list.map(formatMailbox);

describe('replySubject', () => {
  it.each([
    ['Budget', 'Re: Budget'],
    ['RE: Budget', 'RE: Budget'],
    ['re: Budget', 're: Budget'],
    ['Re: Re: Budget', 'Re: Re: Budget'],
    ['Fwd: Budget', 'Re: Fwd: Budget'],
    ['Grüße 会議', 'Re: Grüße 会議'],
    ['', 'Re: '],
  ])('%j becomes %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });
});

describe('replyReferences', () => {
  it("is the original's whole References chain plus its Message-ID", async () => {
    expect(replyReferences(await fixture('reply-chain.eml'))).toEqual([
      '<msg-1@example.net>',
      '<msg-2@example.com>',
      '<msg-3@example.net>',
    ]);
  });

  it('starts from In-Reply-To when the original has no References', () => {
    const mail = { references: [], inReplyTo: '<a@x>', messageId: '<b@y>' } as unknown as ParsedMail;
    expect(replyReferences(mail)).toEqual(['<a@x>', '<b@y>']);
  });

  it('is just the Message-ID for the first mail of a thread', async () => {
    expect(replyReferences(await fixture('reply-to.eml'))).toEqual(['<ticket-4521-3@service.example>']);
  });
});

describe('replyRecipients', () => {
  it('answers the sender', async () => {
    const { to, cc } = replyRecipients({ mail: await fixture('reply-chain.eml'), sentByUser: false }, false);
    expect(addresses(to)).toEqual(['Carol White <carol@example.net>']);
    expect(cc).toEqual([]);
  });

  it('answers Reply-To instead of From when present', async () => {
    const { to } = replyRecipients({ mail: await fixture('reply-to.eml'), sentByUser: false }, false);
    expect(addresses(to)).toEqual(['Help Desk <help@service.example>']);
  });

  it("reply-all adds To and Cc without the user's own address (any case) or duplicates", async () => {
    const mail = await fixture('reply-to.eml');
    const { to, cc } = replyRecipients({ mail, sentByUser: false }, true, 'Bob@Example.com');
    expect(addresses(to)).toEqual(['Help Desk <help@service.example>', 'Erin <erin@example.com>']);
    expect(addresses(cc)).toEqual(['ops@service.example']);
  });

  it('reply-all keeps Cc as Cc and drops the user from it', async () => {
    const { to, cc } = replyRecipients(
      { mail: await fixture('reply-chain.eml'), sentByUser: false },
      true,
      'bob@example.com',
    );
    expect(addresses(to)).toEqual(['Carol White <carol@example.net>']);
    expect(addresses(cc)).toEqual(['Dave <dave@example.net>']);
  });

  it('answers the original recipients when the user sent the original', async () => {
    const { to } = replyRecipients({ mail: await fixture('reply-chain.eml'), sentByUser: true }, false);
    expect(addresses(to)).toEqual(['Bob Smith <bob@example.com>']);
  });
});
