/** Every AWS client rds-echo makes is made by awsClient: light (no SDK client imported here), so any adapter may. */
import { withCallContext } from "./call-context.js";
import { clientCallConfig, DEFAULT_AWS_CALL_SETTINGS, type AwsCallSettings } from "./call-settings.js";

/** Where and as whom the adapter talks to AWS, and how long each call may take. */
export interface AwsClientOptions {
  readonly region: string;
  /** A named profile from the shared config/credentials files; the default chain when absent. */
  readonly profile?: string;
  /** Timeouts and attempts of every call (chosen at the CLI edge); DEFAULT_AWS_CALL_SETTINGS when absent. */
  readonly calls?: AwsCallSettings;
}

/**
 * Every client rds-echo makes, made here: the connect and request timeouts and bounded adaptive retries of
 * call-settings.ts (the SDK backs off and rate-limits itself on throttling, so a burst of describes during a long
 * restore slows down instead of failing; only what survives every attempt reaches us, as ThrottledError), and the
 * middleware that names the call, the endpoint and its origin when no answer came (call-context.ts).
 */
export function awsClient<C>(make: (config: ReturnType<typeof clientCallConfig> & { region: string; profile?: string }) => C, options: AwsClientOptions & { clientRegion?: string }): C {
  const settings = options.calls ?? DEFAULT_AWS_CALL_SETTINGS;
  // The clients' own `profile` option: no dependency on @aws-sdk/credential-providers (fromIni) is needed.
  const config = { ...clientCallConfig(settings), region: options.clientRegion ?? options.region, ...(options.profile === undefined ? {} : { profile: options.profile }) };
  return withCallContext(make(config), settings, process.env, options.profile);
}

