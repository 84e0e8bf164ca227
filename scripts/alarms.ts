/**
 * The alarms an operator needs, in the template, all notifying one SNS topic that mails
 * the address given at deploy time (ALARM_EMAIL). Without an address nothing here is
 * created: an alarm nobody hears costs money and tells no one. With one, each function gets
 * an alarm on its errors and one on its throttles (from the registry, so a new function
 * gets both), and the stage gets one on the HTTP API's 5xx rate, one on the agents'
 * WebSocket API's failed messages and one on DynamoDB throttling. CloudWatch bills $0.10 a
 * month per alarmed metric (docs/deploy.md gives the total).
 */
import { METRIC } from '../lib/metrics.ts';
import type { FunctionSpec } from '../lib/operations.ts';
import { SERVICE } from '../lib/service.ts';
import { logicalId } from './logical-id.ts';

// Left for serverless to resolve: the deployer's ALARM_EMAIL, or nothing.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable, not a template.
export const ALARM_EMAIL = "${env:ALARM_EMAIL, ''}";
export const ALARM_CONDITION = 'AlarmsWanted';
export const ALARM_TOPIC = 'AlarmTopic';
/** The stage's CloudWatch namespace for the broker's own metrics (lib/metrics.ts). */
export function metricsNamespace(stage: string): string {
  return `${SERVICE}-${stage}`;
}

/** Launches no computer picked up within launch_app's wait, in 5 minutes, that mean more than one asleep computer. */
export const UNPICKED_LAUNCHES = 10;

/** Five minutes: short enough to hear of a fault while it matters, long enough not to flap. */
const PERIOD = 300;

interface Metric {
  namespace: string;
  name: string;
  dimensions: Record<string, unknown>;
}

function alarm(description: string, metric: Metric, threshold: number) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Condition: ALARM_CONDITION,
    Properties: {
      AlarmDescription: description,
      Namespace: metric.namespace,
      MetricName: metric.name,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Statistic: 'Sum',
      Period: PERIOD,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No requests means nothing went wrong.
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ALARM_TOPIC }],
      OKActions: [{ Ref: ALARM_TOPIC }],
    },
  };
}

/** The HTTP API's share of 5xx answers over 5 minutes, alarmed at 5% once there were 20 requests. */
function serverErrorRate() {
  const metric = (id: string, name: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApiGateway',
        MetricName: name,
        Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }],
      },
      Period: PERIOD,
      Stat: 'Sum',
    },
  });
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Condition: ALARM_CONDITION,
    Properties: {
      AlarmDescription: 'More than 5% of the HTTP API answers were 5xx (our faults) in 5 minutes.',
      Metrics: [
        metric('errors', '5xx'),
        metric('requests', 'Count'),
        { Id: 'rate', Expression: 'IF(requests >= 20, 100 * errors / requests, 0)', Label: '5xx %', ReturnData: true },
      ],
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ALARM_TOPIC }],
      OKActions: [{ Ref: ALARM_TOPIC }],
    },
  };
}

/** The alarms' resources and condition, for `functions` deployed as `<service>-<stage>-<name>`. */
export function alarms(
  functions: readonly FunctionSpec[],
  deployedName: (fn: string) => string,
  tableRef: object,
  stage: string,
) {
  const perFunction = functions.flatMap((spec) => {
    const dimensions = { FunctionName: deployedName(spec.name) };
    return [
      [
        `${logicalId(spec.name)}ErrorsAlarm`,
        alarm(
          `${spec.name} failed (an unhandled error or a timeout).`,
          { namespace: 'AWS/Lambda', name: 'Errors', dimensions },
          1,
        ),
      ],
      [
        `${logicalId(spec.name)}ThrottlesAlarm`,
        alarm(
          `${spec.name} was throttled by Lambda (concurrency).`,
          { namespace: 'AWS/Lambda', name: 'Throttles', dimensions },
          1,
        ),
      ],
    ] as const;
  });
  const table = { TableName: tableRef };
  return {
    Conditions: { [ALARM_CONDITION]: { 'Fn::Not': [{ 'Fn::Equals': [ALARM_EMAIL, ''] }] } },
    Resources: {
      [ALARM_TOPIC]: {
        Type: 'AWS::SNS::Topic',
        Condition: ALARM_CONDITION,
        Properties: { Subscription: [{ Protocol: 'email', Endpoint: ALARM_EMAIL }] },
      },
      ...Object.fromEntries(perFunction),
      HttpApiServerErrorsAlarm: serverErrorRate(),
      AgentSocketErrorsAlarm: alarm(
        "The agents' WebSocket API failed to run a message's function.",
        { namespace: 'AWS/ApiGateway', name: 'ExecutionError', dimensions: { ApiId: { Ref: 'WebsocketsApi' } } },
        1,
      ),
      LaunchesUnpickedAlarm: alarm(
        `At least ${UNPICKED_LAUNCHES} launches in 5 minutes were not picked up by any computer while launch_app waited (agents offline, or delivery broken).`,
        { namespace: metricsNamespace(stage), name: METRIC.launchUnpicked, dimensions: { service: SERVICE } },
        UNPICKED_LAUNCHES,
      ),
      TableReadThrottlesAlarm: alarm(
        'DynamoDB throttled reads of the table.',
        { namespace: 'AWS/DynamoDB', name: 'ReadThrottleEvents', dimensions: table },
        1,
      ),
      TableWriteThrottlesAlarm: alarm(
        'DynamoDB throttled writes to the table.',
        { namespace: 'AWS/DynamoDB', name: 'WriteThrottleEvents', dimensions: table },
        1,
      ),
    },
  };
}
