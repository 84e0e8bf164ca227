import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { VIEWPORTS } from '../../local/chromium.ts';
import { startAgent } from '../support/agent-process.ts';
import { apiUrl, emulator, get, newUser, post } from '../support/api.ts';
import { horizontalOverflow, seriousViolations, useBrowser } from '../support/browser.ts';
import { Browser } from '../support/mcp.ts';
import { authorizeIn, mcpCall, redeem, register } from '../support/oauth.ts';

const SESSION_COOKIE = '__Host-broker-account';
/** The canonical address the account pages live at (PUBLIC_URL); other host names are sent there. */
const publicUrl = (await get('/openapi.json')).json.servers[0].url as string;

/**
 * Registers a (key-only) agent from 127.0.0.2: registrations are limited per source address
 * (20 an hour), and the rest of the suite shares 127.0.0.1's budget.
 */
function registerFromOwnAddress(name: string): Promise<{ pairing_code: string }> {
  const body = JSON.stringify({ name, platform: 'linux', public_key: generateSigningKeyPair().publicKey });
  return new Promise((resolve, reject) => {
    const sent = request(
      `${apiUrl}/api/agent/register`,
      {
        method: 'POST',
        localAddress: '127.0.0.2',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          text += chunk;
        });
        answer.on('end', () =>
          answer.statusCode === 201
            ? resolve(JSON.parse(text))
            : reject(new Error(`register answered ${answer.statusCode}: ${text}`)),
        );
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** A computer registered by a (key-only) agent and paired to `user`: its agent id. */
async function pairedComputer(user: CreatedUser, name: string): Promise<string> {
  const registered = await registerFromOwnAddress(name);
  const paired = await post('/api/agent/pair', { token: user.token, body: { code: registered.pairing_code } });
  expect(paired.status).toBe(200);
  return paired.json.data.agent_id;
}

/** An MCP client named `clientName` that `user` allowed (through consent and Google): its access token. */
async function grantedClient(user: CreatedUser, clientName: string): Promise<string> {
  const signedIn = await authorizeIn(new Browser(), await register(clientName), user.email, {
    scope: 'get_unread_emails send_email',
  });
  const tokens = await redeem(signedIn);
  expect(tokens.status).toBe(200);
  const token = tokens.json.access_token ?? '';
  expect((await mcpCall(token)).status).toBe(200);
  return token;
}

/** The grant id in the account page's revoke form for the client the page names `clientName`. */
const grantIdIn = (page: string, clientName: string) =>
  new RegExp(`<h3>${clientName}</h3>[\\s\\S]*?name="grant" value="([^"]+)"`).exec(page)?.[1] ?? '';

const computersOf = async (user: CreatedUser) =>
  (await get('/api/agent/computers', { token: user.token })).json.data.computers.map(
    (computer: { agent_id: string }) => computer.agent_id,
  );

/** Signs `user` in to the account page over plain HTTP, following each redirect by hand. */
async function signIn(user: CreatedUser): Promise<{ secret: string; setCookie: string; csrf: string }> {
  await emulator.setConsentUser(user.email);
  const start = await fetch(`${publicUrl}/account/signin`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const signinCookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const google = new URL(start.headers.get('location') ?? '');
  expect(google.searchParams.get('scope')).toBe('openid https://www.googleapis.com/auth/userinfo.email');
  expect(google.searchParams.get('code_challenge_method')).toBe('S256');
  const consented = await fetch(google, { redirect: 'manual' });
  const back = new URL(consented.headers.get('location') ?? '');
  const callback = await fetch(back, {
    redirect: 'manual',
    headers: { cookie: signinCookie },
  });
  expect(callback.status).toBe(302);
  const setCookie = callback.headers.get('set-cookie') ?? '';
  const secret = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1] ?? '';
  const page = await accountPage(secret);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  expect(csrf).not.toBe('');
  return { secret, setCookie, csrf };
}

async function accountPage(secret: string): Promise<string> {
  const response = await fetch(`${publicUrl}/account`, { headers: { cookie: `${SESSION_COOKIE}=${secret}` } });
  expect(response.status).toBe(200);
  return response.text();
}

function postForm(path: string, secret: string, form: Record<string, string>) {
  return fetch(`${publicUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `${SESSION_COOKIE}=${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('the account page in Chromium', () => {
  const chromium = useBrowser();

  it('signs in through Google, shows the paired computers, makes one the default, and unpairs the other', async () => {
    const user = await newUser();
    // office-pc is a real agent holding its job connection: unpairing it tells it at once.
    const office = await startAgent({ catalog: { apps: {} }, name: 'office-pc' });
    const [, code] = await office.waitFor(/Pairing code: (\S+)/);
    const paired = await post('/api/agent/pair', { token: user.token, body: { code } });
    expect(paired.status).toBe(200);
    const agentId: string = paired.json.data.agent_id;
    await office.waitFor(/Paired to "[^"]+"\. Waiting for jobs\./);
    await pairedComputer(user, 'laptop');
    await emulator.setConsentUser(user.email);
    const page = await chromium.browser.newPage({ viewport: VIEWPORTS.phone });
    try {
      // Started at 127.0.0.1: the page moves to the canonical host (localhost) before any cookie.
      await page.goto(`${apiUrl}/account`);
      expect(new URL(page.url()).host).toBe(new URL(chromium.publicUrl).host);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page.getByRole('cell', { name: 'office-pc (default)' }).waitFor();
      expect(await page.textContent('main')).toContain(user.email);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);

      await page.getByRole('button', { name: 'Make default: laptop' }).click();
      await page.getByRole('cell', { name: 'laptop (default)' }).waitFor();
      await page.getByRole('button', { name: 'Unpair office-pc' }).click();
      await page.getByRole('cell', { name: 'office-pc (default)' }).waitFor({ state: 'detached' });
      expect(await page.getByRole('cell', { name: /office-pc/ }).count()).toBe(0);
      expect(await computersOf(user)).not.toContain(agentId);
      expect(await computersOf(user)).toHaveLength(1);
      // Its connection was closed: the agent learns it is no longer paired and asks for a new code.
      await office.waitFor(/no longer paired/);
    } finally {
      await page.close();
      await office.stop();
    }
  });
});

describe('MCP grants and pairing on the account page in Chromium', () => {
  const chromium = useBrowser();

  it('shows a grant by the name its client gave itself and the tools by title; Revoke ends it (the next /mcp call answers 401)', async () => {
    const user = await newUser();
    const token = await grantedClient(user, 'Grant page client');
    const page = await chromium.browser.newPage({ viewport: VIEWPORTS.phone });
    try {
      await page.goto(`${chromium.publicUrl}/account`);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      const grant = page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: 'Grant page client' }) });
      await grant.waitFor();
      const text = await grant.textContent();
      expect(text).toContain('The name the application gave itself, not checked.');
      expect(text).toContain('Read your mail (List unread email)');
      expect(text).toContain('Send email as you (Send email)');
      // Redeeming the code issued the first access token: that is when it last refreshed.
      expect(text).toMatch(/last refreshed \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);

      await page.getByRole('button', { name: 'Revoke Grant page client' }).click();
      await page.getByText('No application has access.').waitFor();
      const refused = await mcpCall(token);
      expect(refused.status).toBe(401);
      expect(refused.challenge).toContain('error="invalid_token"');
    } finally {
      await page.close();
    }
  });

  it('pairs a computer by the code typed in, and says why a wrong code is refused', async () => {
    const user = await newUser();
    const registered = await registerFromOwnAddress('typed-in-pc');
    await emulator.setConsentUser(user.email);
    const page = await chromium.browser.newPage({ viewport: VIEWPORTS.phone });
    try {
      await page.goto(`${chromium.publicUrl}/account`);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page.getByText('No computer is paired.').waitFor();
      const field = page.getByLabel('Pair a computer: type the code its agent printed');
      await field.fill('ZZZZ-ZZZZ');
      await page.getByRole('button', { name: 'Pair', exact: true }).click();
      expect(await page.getByRole('alert').textContent()).toContain('That pairing code is unknown or expired.');
      expect(await computersOf(user)).toEqual([]);

      await page.getByLabel('Pair a computer: type the code its agent printed').fill(registered.pairing_code);
      await page.getByRole('button', { name: 'Pair', exact: true }).click();
      await page.getByRole('cell', { name: 'typed-in-pc (default)' }).waitFor();
      expect(await computersOf(user)).toHaveLength(1);
    } finally {
      await page.close();
    }
  });
});

describe('account page security', () => {
  it('the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax, short, and for no other domain', async () => {
    const { setCookie } = await signIn(await newUser());
    const [pair, ...attributes] = setCookie.split(';').map((part) => part.trim());
    expect(pair).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(attributes).toEqual(
      expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=1800']),
    );
    expect(attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);
  });

  it('refuses a form without the session CSRF token, and changes nothing', async () => {
    const user = await newUser();
    const agentId = await pairedComputer(user, 'desk');
    const { secret, csrf } = await signIn(user);
    for (const form of [{ computer: agentId }, { computer: agentId, csrf: `${csrf}x` }]) {
      const answer = await postForm('/account/unpair', secret, form);
      expect(answer.status).toBe(403);
    }
    expect(await computersOf(user)).toContain(agentId);
    const done = await postForm('/account/unpair', secret, { computer: agentId, csrf });
    expect(done.status).toBe(302);
    expect(await computersOf(user)).not.toContain(agentId);
  });

  it("another person's computer can be neither seen nor unpaired (404)", async () => {
    const owner = await newUser();
    const agentId = await pairedComputer(owner, 'owners-laptop');
    const stranger = await signIn(await newUser());
    expect(await accountPage(stranger.secret)).not.toContain('owners-laptop');
    const answer = await postForm('/account/unpair', stranger.secret, { computer: agentId, csrf: stranger.csrf });
    expect(answer.status).toBe(404);
    expect(await computersOf(owner)).toContain(agentId);
  });

  it("chooses the default computer, only among the signed-in person's own (another's: 404)", async () => {
    const owner = await newUser();
    const first = await pairedComputer(owner, 'first');
    const second = await pairedComputer(owner, 'second');
    const defaults = async () =>
      Object.fromEntries(
        (await get('/api/agent/computers', { token: owner.token })).json.data.computers.map(
          (computer: { agent_id: string; is_default: boolean }) => [computer.agent_id, computer.is_default],
        ),
      );
    expect(await defaults()).toEqual({ [first]: true, [second]: false });

    const stranger = await signIn(await newUser());
    const refused = await postForm('/account/default', stranger.secret, { computer: second, csrf: stranger.csrf });
    expect(refused.status).toBe(404);
    const { secret, csrf } = await signIn(owner);
    expect((await postForm('/account/default', secret, { computer: second })).status).toBe(403);
    expect(await defaults()).toEqual({ [first]: true, [second]: false });

    expect((await postForm('/account/default', secret, { computer: second, csrf })).status).toBe(302);
    expect(await defaults()).toEqual({ [first]: false, [second]: true });
  });

  it('signing out ends the session on the server, not only in the browser', async () => {
    const { secret, csrf } = await signIn(await newUser());
    const out = await postForm('/account/signout', secret, { csrf });
    expect(out.status).toBe(302);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    // The old cookie, replayed, opens nothing.
    const page = await accountPage(secret);
    expect(page).toContain('Sign in with Google');
    expect(page).not.toContain('name="csrf"');
  });

  it('sends a sign-in started at another host name to the canonical one before setting any cookie', async () => {
    const elsewhere = await fetch(`${apiUrl}/account/signin`, { redirect: 'manual' });
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe(`${publicUrl}/account/signin`);
    expect(elsewhere.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a sign-in this browser did not start, and a post with no session', async () => {
    const forged = await fetch(`${publicUrl}/account/callback?code=anything&state=anything`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('set-cookie')).toBeNull();
    const anonymous = await postForm('/account/unpair', 'no-such-session', { computer: 'x', csrf: 'y' });
    expect(anonymous.status).toBe(401);
  });

  it("escapes a computer's self-chosen name (agents may use ' and parentheses)", async () => {
    const user = await newUser();
    await pairedComputer(user, "Ann's (home) PC");
    const { secret } = await signIn(user);
    const page = await accountPage(secret);
    expect(page).not.toContain("Ann's");
    expect(page).toContain('Ann&#39;s (home) PC');
  });

  it('refuses a revoke without the session CSRF token, and changes nothing', async () => {
    const user = await newUser();
    const token = await grantedClient(user, 'CSRF grant client');
    const { secret, csrf } = await signIn(user);
    const grant = grantIdIn(await accountPage(secret), 'CSRF grant client');
    expect(grant).not.toBe('');
    for (const form of [{ grant }, { grant, csrf: `${csrf}x` }]) {
      expect((await postForm('/account/revoke', secret, form)).status).toBe(403);
    }
    expect((await mcpCall(token)).status).toBe(200);
    expect((await postForm('/account/revoke', secret, { grant, csrf })).status).toBe(302);
    expect((await mcpCall(token)).status).toBe(401);
  });

  it('refuses a pairing without the session CSRF token, and pairs nothing', async () => {
    const user = await newUser();
    const registered = await registerFromOwnAddress('csrf-pair-pc');
    const { secret } = await signIn(user);
    expect((await postForm('/account/pair', secret, { code: registered.pairing_code })).status).toBe(403);
    expect(await computersOf(user)).toEqual([]);
  });

  it("another person's grant can be neither seen nor revoked (404)", async () => {
    const owner = await newUser();
    const token = await grantedClient(owner, 'Owners client');
    const ownerPage = await accountPage((await signIn(owner)).secret);
    const grant = grantIdIn(ownerPage, 'Owners client');
    expect(grant).not.toBe('');
    const stranger = await signIn(await newUser());
    expect(await accountPage(stranger.secret)).not.toContain('Owners client');
    const answer = await postForm('/account/revoke', stranger.secret, { grant, csrf: stranger.csrf });
    expect(answer.status).toBe(404);
    expect((await mcpCall(token)).status).toBe(200);
  });

  it("escapes a client's self-chosen name on the account page", async () => {
    const user = await newUser();
    await grantedClient(user, '<img src=x onerror=alert(1)> & "Co"');
    const page = await accountPage((await signIn(user)).secret);
    expect(page).not.toContain('<img');
    expect(page).toContain('<h3>&#60;img src=x onerror=alert(1)&#62; &#38; &#34;Co&#34;</h3>');
  });
});
