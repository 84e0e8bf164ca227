/**
 * The deployed stack as the deploy script sees it: its HTTP API's URL (CloudFormation
 * output `HttpApiUrl`, which serverless writes), and the addresses a person pastes into
 * ChatGPT, an MCP client and Google's console, derived from the registry's routes.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { endpoints, operations } from '../../lib/operations.ts';
import { ACCOUNT_PATHS } from '../../lib/pages/account-page.ts';
import { SERVICE } from '../deployment.ts';
import type { DeployTarget } from './preflight.ts';

/** serverless's stack name for a stage. */
export function stackName(stage: string): string {
  return `${SERVICE}-${stage}`;
}

/** The stage's HTTP API URL, or undefined when the stack does not exist yet. */
export async function deployedApiUrl(target: DeployTarget): Promise<string | undefined> {
  const cloudformation = new CloudFormationClient({ region: target.region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName(target.stage) }));
    const output = Stacks?.[0]?.Outputs?.find((entry) => entry.OutputKey === 'HttpApiUrl');
    return output?.OutputValue;
  } catch (error) {
    // CloudFormation answers a stack that does not exist with a ValidationError.
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  } finally {
    cloudformation.destroy();
  }
}

function routeOf(endpoint: { routes: readonly { method: string; path: string }[] }, method: string): string {
  const route = endpoint.routes.find((entry) => entry.method === method);
  if (!route) throw new Error(`no ${method} route`);
  return route.path;
}

/** What to paste where once a stage is deployed at `publicUrl`. */
export function addressesToPaste(publicUrl: string): { label: string; url: string }[] {
  const at = (path: string) => `${publicUrl.replace(/\/+$/, '')}${path}`;
  return [
    { label: 'API', url: at('/') },
    { label: 'GPT Actions: import the OpenAPI document from', url: at(operations.get_openapi_document.path) },
    { label: 'MCP clients (ChatGPT apps, Claude): server URL', url: at(routeOf(endpoints.mcp, 'POST')) },
    {
      label: "Google console: add to your OAuth client's authorized redirect URIs (MCP sign-in)",
      url: at(routeOf(endpoints.google_callback, 'GET')),
    },
    {
      label: "Google console: add to your OAuth client's authorized redirect URIs (account page)",
      url: at(ACCOUNT_PATHS.callback),
    },
  ];
}
