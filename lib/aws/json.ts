import type { Config } from '../config.ts';
import { signedFetch } from './signed.ts';

/** An AWS API spoken in the AWS JSON protocol: its signing name, target prefix and protocol version. */
export interface JsonApi {
  service: 'dynamodb' | 'ssm' | 'kms';
  /** The `X-Amz-Target` prefix, e.g. `DynamoDB_20120810`. */
  target: string;
  version: '1.0' | '1.1';
}

/** The APIs the broker calls (target prefixes and versions from each service's API reference). */
export const DYNAMODB: JsonApi = { service: 'dynamodb', target: 'DynamoDB_20120810', version: '1.0' };
export const SSM: JsonApi = { service: 'ssm', target: 'AmazonSSM', version: '1.1' };
export const KMS: JsonApi = { service: 'kms', target: 'TrentService', version: '1.1' };

/** The service's regional endpoint (`amazonaws.com.cn` in the China partition). */
function regionalEndpoint(service: string, region: string): string {
  return `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

/**
 * Calls one action of an AWS JSON-protocol API (a POST of the input as JSON, `X-Amz-Target`
 * naming the action) and answers the output. `localEndpoint` is a stand-in's URL
 * (dynalite, the SSM stand-in) when one is configured; without it, the region's endpoint.
 */
export async function callJson<T>(
  config: Config,
  api: JsonApi,
  action: string,
  input: object,
  localEndpoint?: string,
): Promise<T> {
  const response = await signedFetch(
    config,
    {
      service: api.service,
      url: localEndpoint ?? regionalEndpoint(api.service, config.AWS_REGION),
      method: 'POST',
      headers: { 'content-type': `application/x-amz-json-${api.version}`, 'x-amz-target': `${api.target}.${action}` },
      body: JSON.stringify(input),
    },
    localEndpoint !== undefined,
  );
  return (await response.json()) as T;
}
