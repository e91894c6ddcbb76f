import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { type LogLevel, type Logger, redactIdentifiers, setLogSink } from './logger.js';

/**
 * Azure Monitor (Application Insights) through OpenTelemetry, when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set: request and dependency spans (HTTP, Azure SDK),
 * standard metrics, and our log records.
 *
 * What leaves the process is no more than the logs hold (logger.ts): the log records are the
 * already redacted JSON lines' fields; span attributes lose query strings (download tokens, SAS),
 * client addresses, and every identifier-shaped digit run; message text is never an attribute
 * (the HTTP instrumentation does not record bodies). Live Metrics and statsbeat, which would
 * open connections of their own, stay off. Loaded only when configured: no cost otherwise.
 */
export interface Telemetry {
  /** Flushes what is buffered and stops (shutdown). */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  readonly connectionString: string;
  /** Cloud role name in Application Insights' application map. */
  readonly serviceName: string;
}

export async function startTelemetry(options: TelemetryOptions, logger: Logger): Promise<Telemetry> {
  // The exporter's own usage reporting goes to a Microsoft endpoint that is not the configured one.
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED ??= 'true';
  process.env.OTEL_SERVICE_NAME ??= options.serviceName;
  const [{ useAzureMonitor, shutdownAzureMonitor }, { logs, SeverityNumber }] = await Promise.all([
    import('@azure/monitor-opentelemetry'),
    import('@opentelemetry/api-logs'),
  ]);
  const settings: AzureMonitorOpenTelemetryOptions = {
    azureMonitorExporterOptions: { connectionString: options.connectionString },
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: true },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    spanProcessors: [redactingSpanProcessor()],
  };
  useAzureMonitor(settings);

  const severity: Readonly<Record<LogLevel, number>> = {
    debug: SeverityNumber.DEBUG,
    info: SeverityNumber.INFO,
    warn: SeverityNumber.WARN,
    error: SeverityNumber.ERROR,
  };
  const otelLogger = logs.getLogger('checkinatwork-emergency-bot');
  setLogSink((level, event, fields) => {
    const attributes: Record<string, string | number | boolean> = {};
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) attributes[name] = value;
    otelLogger.emit({ severityNumber: severity[level], severityText: level.toUpperCase(), body: event, attributes });
  });
  logger.info('telemetry.azure_monitor', { logs: true, traces: true, metrics: true });
  return {
    shutdown: async () => {
      setLogSink(undefined);
      await shutdownAzureMonitor();
    },
  };
}

type SpanProcessor = NonNullable<AzureMonitorOpenTelemetryOptions['spanProcessors']>[number];
type EndedSpan = Parameters<SpanProcessor['onEnd']>[0];

/** Attributes that name a person's device or carry tokens in query strings: never exported. */
const DROPPED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'client.address',
  'client.port',
  'http.client_ip',
  'net.peer.ip',
  'net.sock.peer.addr',
  'network.peer.address',
  'url.query',
  'enduser.id',
]);

/** Attributes holding a URL or a path, whose query string is dropped. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['url.full', 'http.url', 'http.target', 'url.path', 'http.route']);

/** The attribute value as it may leave the process. */
export function redactAttribute(name: string, value: unknown): unknown {
  if (typeof value === 'string') {
    const withoutQuery = URL_ATTRIBUTES.has(name) ? value.replace(/[?#].*$/s, '') : value;
    return redactIdentifiers(withoutQuery);
  }
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? redactIdentifiers(item) : item));
  return value;
}

/**
 * Cleans every finished span before the exporter's batch sees it. The attributes object of an
 * ended span is the one the exporter reads later; it is rewritten in place here because span
 * processors run in order at the end of the span, before any export.
 */
function redactingSpanProcessor(): SpanProcessor {
  const clean = (attributes: Record<string, unknown>) => {
    for (const name of Object.keys(attributes)) {
      if (DROPPED_ATTRIBUTES.has(name)) delete attributes[name];
      else attributes[name] = redactAttribute(name, attributes[name]);
    }
  };
  return {
    onStart: () => undefined,
    onEnd: (span: EndedSpan) => {
      clean(span.attributes as Record<string, unknown>);
      for (const event of span.events) if (event.attributes) clean(event.attributes as Record<string, unknown>);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
