// Serves one directory's files over HTTP on a free loopback port (read-only GET/HEAD, no listings) and prints the
// base URL on stdout; stops on SIGTERM or when stdin closes. The image build's stand-in for get.pulumi.com (see
// image.sh): the Dockerfile's download steps fetch from it exactly as they would from the internet.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? ".");
const server = createServer((request, response) => {
  const wanted = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  const file = path.join(root, path.normalize(wanted));
  let size = -1;
  try {
    if (file.startsWith(root + path.sep)) size = statSync(file).isFile() ? statSync(file).size : -1;
  } catch {
    // Missing: 404 below.
  }
  if (size < 0 || (request.method !== "GET" && request.method !== "HEAD")) {
    response.writeHead(404).end();
    process.stderr.write(`serve-dir: 404 ${request.method} ${wanted}\n`);
    return;
  }
  response.writeHead(200, { "content-length": size, "content-type": "application/octet-stream" });
  if (request.method === "HEAD") response.end();
  else createReadStream(file).pipe(response);
});
// A client that stalls must not hold the build forever.
server.requestTimeout = 120_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop).resume();
