import type { Config } from './config.ts';

/** What every AWS SDK client of the broker is made with. */
export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  customUserAgent?: [string, string][];
}

/**
 * Options for an AWS SDK client: the configured region, a local endpoint when one is set
 * (dynalite, the local SSM stand-in; any credentials do there, a real endpoint uses the
 * role's), and the calling function's name in the user agent. That name is how CloudTrail
 * on AWS, and the IAM-from-use test locally, tell which function made a call.
 */
export function awsClientOptions(config: Config, localEndpoint: string | undefined): AwsClientOptions {
  return {
    region: config.AWS_REGION,
    ...(localEndpoint
      ? { endpoint: localEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    ...(config.AWS_LAMBDA_FUNCTION_NAME ? { customUserAgent: [['function', config.AWS_LAMBDA_FUNCTION_NAME]] } : {}),
  };
}
