// Container health probe for images without curl or wget: GET http://127.0.0.1:$PORT<path>
// and exit 0 on a 2xx answer, 1 otherwise (no answer within 2.5 s, refused, 503 …).
// `node healthcheck.mjs /healthz` (liveness, the image's HEALTHCHECK) or `/readyz` (ready to
// serve: the app's real dependencies answer; what docker-compose.yml waits for).
const path = process.argv[2] ?? '/healthz';
const port = process.env.PORT;

if (!/^\/[A-Za-z0-9/_-]*$/.test(path) || !port || !/^\d+$/.test(port)) {
  console.error(`usage: PORT=<port> node healthcheck.mjs /healthz|/readyz (got path ${JSON.stringify(path)}, PORT ${JSON.stringify(port)})`);
  process.exit(2);
}

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_500) });
  if (!response.ok) console.error(`${path}: HTTP ${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
