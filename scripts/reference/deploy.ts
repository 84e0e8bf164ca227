/**
 * docs/reference/deploy.md: what a stage needs before its first deploy (the SecureString
 * parameters, each with the command that creates it, the same one `npm run deploy` prints
 * when it is missing) and what a deploy ends with (the addresses to paste).
 */
import { allFunctions } from '../../lib/operations.ts';
import { SECRETS } from '../../lib/secrets.ts';
import { CREATE, secretsInUse } from '../deploy/preflight.ts';
import { addressesToPaste } from '../deploy/stack.ts';
import { secretParameter } from '../deployment.ts';
import { codes, GENERATED, table } from './markdown.ts';

const STAGE = 'prod';
const REGION = 'us-east-1';
const API = `https://<api-id>.execute-api.${REGION}.amazonaws.com`;

export function deployPage(): string {
  const parameters = secretsInUse().map((secret) => {
    const name = secretParameter(secret, STAGE);
    const readers = allFunctions.filter((spec) => spec.secrets.includes(secret)).map((spec) => spec.name);
    return `### \`${SECRETS[secret].parameter}\`

Read by ${codes(readers)}.

\`\`\`sh
${CREATE[secret](name, REGION)}
\`\`\``;
  });
  return `${GENERATED}
# Deploy reference

## Parameters a stage needs

SecureString parameters in SSM, one set per stage (shown for stage \`${STAGE}\` in
\`${REGION}\`). \`npm run deploy\` checks each before deploying and prints the command for any
that is missing.

${parameters.join('\n\n')}

## What a deploy prints at the end

${table(
  ['what', 'where it goes'],
  addressesToPaste(API).map(({ label, url }) => [label, `\`${url}\``]),
)}
`;
}
