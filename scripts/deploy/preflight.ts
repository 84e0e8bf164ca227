/**
 * What a deployment needs that AWS cannot tell us until the first request fails: AWS
 * credentials, the stage's SecureString parameters the registry names, and the Google
 * client id. Each missing item comes back with the command that fixes it, so
 * `npm run deploy` can stop before touching AWS.
 */

import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { allFunctions } from '../../lib/operations.ts';
import type { Secret } from '../../lib/secrets.ts';
import { secretParameter } from '../deployment.ts';

export interface DeployTarget {
  stage: string;
  region: string;
}

/** One thing to fix before deploying: what is wrong, and the command (or step) that fixes it. */
export interface Problem {
  what: string;
  fix: string;
}

export interface PreflightResult {
  /** The AWS account the credentials belong to, when they work. */
  account: string | undefined;
  problems: Problem[];
}

/**
 * How to create each secret's parameter. A Record over every secret, so a secret added to
 * the registry without a way to create it is a type error here.
 */
export const CREATE: Record<Secret, (name: string, region: string) => string> = {
  job_signing_key: (name, region) =>
    [
      `node -e "console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'}))" > key.pem`,
      `aws ssm put-parameter --region ${region} --type SecureString --name ${name} --value file://key.pem`,
      'rm key.pem',
    ].join('\n'),
  google_client_secret: (name, region) =>
    `aws ssm put-parameter --region ${region} --type SecureString --name ${name} --value '<the client secret of your Google OAuth client>'`,
};

/** Every secret some deployed function reads, in registry order. */
export function secretsInUse(): Secret[] {
  return [...new Set(allFunctions.flatMap((spec) => spec.secrets))];
}

async function checkCredentials(target: DeployTarget): Promise<{ account?: string; problem?: Problem }> {
  const sts = new STSClient({ region: target.region });
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    return Account ? { account: Account } : {};
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const noCredentials = name === 'CredentialsProviderError' || /credential/i.test(String(error));
    return {
      problem: noCredentials
        ? {
            what: 'No AWS credentials were found.',
            fix: 'aws configure   # or: export AWS_PROFILE=<a profile in ~/.aws/config>',
          }
        : {
            what: `AWS refused the credentials (${name || 'error'}).`,
            fix: 'aws sts get-caller-identity   # shows what is wrong with them; renew or replace them',
          },
    };
  } finally {
    sts.destroy();
  }
}

async function checkSecret(secret: Secret, target: DeployTarget, ssm: SSMClient): Promise<Problem | undefined> {
  const name = secretParameter(secret, target.stage);
  try {
    // Without decryption: the preflight needs the parameter's type, never its value.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    if (Parameter?.Type === 'SecureString') return undefined;
    return {
      what: `The parameter ${name} is a ${Parameter?.Type ?? 'parameter of unknown type'}, not a SecureString.`,
      fix: `aws ssm delete-parameter --region ${target.region} --name ${name}\n${CREATE[secret](name, target.region)}`,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') {
      return { what: `The parameter ${name} does not exist.`, fix: CREATE[secret](name, target.region) };
    }
    return {
      what: `The parameter ${name} could not be read (${error instanceof Error ? error.name : 'error'}).`,
      fix: `aws ssm get-parameter --region ${target.region} --name ${name}   # shows why`,
    };
  }
}

/**
 * Checks everything a deployment needs before anything is deployed. `env` is the
 * deploying shell's environment (GOOGLE_CLIENT_ID is baked into the functions' config).
 */
export async function preflight(
  target: DeployTarget,
  env: Record<string, string | undefined>,
): Promise<PreflightResult> {
  const problems: Problem[] = [];
  if (!env.GOOGLE_CLIENT_ID) {
    problems.push({
      what: 'GOOGLE_CLIENT_ID is not set: the broker needs its Google OAuth client id.',
      fix: 'export GOOGLE_CLIENT_ID=<id>.apps.googleusercontent.com   # docs/deploy.md, "Google OAuth client"',
    });
  }
  const credentials = await checkCredentials(target);
  if (credentials.problem) {
    // Without credentials the parameters cannot be looked at: say what to create anyway.
    problems.push(credentials.problem);
    return { account: undefined, problems };
  }
  const ssm = new SSMClient({ region: target.region });
  try {
    for (const secret of secretsInUse()) {
      const problem = await checkSecret(secret, target, ssm);
      if (problem) problems.push(problem);
    }
  } finally {
    ssm.destroy();
  }
  return { account: credentials.account, problems };
}
