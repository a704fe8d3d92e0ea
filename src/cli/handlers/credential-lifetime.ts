/**
 * Whether the AWS credentials outlast a restore. A restore runs inside one `pulumi up` for as long as RDS takes (up to
 * `timeouts.create`), and the Pulumi CLI and its aws provider take their credentials from the environment they were
 * started with. Credentials that refresh themselves (a profile with a role or SSO, a container or instance role, web
 * identity) last; a session exported as environment variables (`AWS_SESSION_TOKEN`) ends when it expires, and the
 * provider's wait for the restore fails with it, hours in.
 */

/**
 * The longest any AWS session credential lasts: GetSessionToken's 36 hours (AssumeRole's maximum is 12). A session
 * of unknown expiry cannot outlast a longer restore.
 */
export const LONGEST_SESSION_MINUTES = 36 * 60;

export interface CredentialFacts {
  /** The credentials are the environment's static variables (AWS_ACCESS_KEY_ID, no profile), which nothing refreshes. */
  readonly fromEnvironment: boolean;
  /** They carry a session token: temporary. */
  readonly temporary: boolean;
  /** When they expire, as the SDK resolved them (from AWS_CREDENTIAL_EXPIRATION for environment variables). */
  readonly expiration?: Date;
}

/** What is wrong, with the fix, or undefined when the credentials last `createTimeoutMinutes` from `now`. */
export function credentialLifetimeProblem(facts: CredentialFacts, createTimeoutMinutes: number, now: Date): string | undefined {
  if (!facts.fromEnvironment || !facts.temporary) return undefined;
  const fix =
    "use credentials that refresh themselves instead: a profile whose role is assumed as needed (AWS_PROFILE with role_arn " +
    "and source_profile or credential_source), or the container's or instance's role (IRSA, an ECS task role, an instance profile)";
  const limit = `timeouts.create is ${formatMinutes(createTimeoutMinutes)}`;
  if (facts.expiration === undefined) {
    if (createTimeoutMinutes <= LONGEST_SESSION_MINUTES) return undefined;
    return `AWS credentials: a session from environment variables (AWS_SESSION_TOKEN) of unknown expiry lasts at most 36 h, and ${limit}, which a restore may take; ${fix}`;
  }
  const leftMinutes = Math.floor((facts.expiration.getTime() - now.getTime()) / 60_000);
  if (leftMinutes >= createTimeoutMinutes) return undefined;
  const left = leftMinutes <= 0 ? "has expired already" : `expires in ${formatMinutes(leftMinutes)} (${facts.expiration.toISOString()})`;
  return `AWS credentials: the session from environment variables (AWS_SESSION_TOKEN) ${left}, and ${limit}: a restore still running then fails. Nothing refreshes it; ${fix}`;
}

function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours === 0 ? `${rest} min` : rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
