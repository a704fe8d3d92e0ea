/**
 * An `s3://` backend URL as Pulumi's DIY backend reads it (gocloud.dev's s3blob URL opener): the bucket, an optional
 * key prefix (the path), and the query parameters that say how to reach it. rds-echo's own S3 calls (leases, lock
 * listing) must reach the same bucket the CLI does, so the same parameters are honoured here.
 */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix every object of the backend lives under: "" or ending in "/". */
  readonly prefix: string;
  readonly region?: string;
  /** With a scheme: `http://127.0.0.1:5000`. */
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly profile?: string;
}

const TRUE = new Set(["true", "1", "yes"]);

/** The location of an `s3://` URL, or undefined for any other backend; a malformed one throws, naming the URL. */
export function s3Location(backendUrl: string): S3Location | undefined {
  if (!backendUrl.startsWith("s3://")) return undefined;
  let url: URL;
  try {
    url = new URL(backendUrl);
  } catch {
    throw new Error(`the backend URL ${backendUrl} is not a valid s3:// URL`);
  }
  const bucket = url.hostname;
  if (bucket === "") throw new Error(`the backend URL ${backendUrl} names no bucket (s3://<bucket>[/prefix][?region=…])`);
  const param = (...names: string[]) => names.map((n) => url.searchParams.get(n)).find((v): v is string => v !== null && v !== "");
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  // gocloud's SDK v1 parameter names and their v2 spellings (use_path_style, disable_https) alike.
  const insecure = TRUE.has(param("disableSSL", "disable_https") ?? "");
  const rawEndpoint = param("endpoint");
  const endpoint = rawEndpoint === undefined ? undefined : /^[a-z]+:\/\//i.test(rawEndpoint) ? rawEndpoint : `${insecure ? "http" : "https"}://${rawEndpoint}`;
  const region = param("region");
  const profile = param("profile");
  return {
    bucket,
    prefix: path === "" ? "" : `${path}/`,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: TRUE.has(param("s3ForcePathStyle", "use_path_style") ?? ""),
    ...(profile ? { profile } : {}),
  };
}
