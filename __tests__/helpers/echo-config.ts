// A perf.yml that plants a secret in every place one can come from, against the echo service
// (echo-service.ts) started by target.start: `${env:}` values in the target URL, the health path,
// a request path and query, a header, a JSON body, the login body and a Basic credential; the
// token the login answers. The service echoes them back in error bodies, status texts and its log.
import { fileURLToPath } from 'node:url';
import { type Planted, plantable } from './leaks.ts';

const SERVICE = fileURLToPath(new URL('./echo-service.ts', import.meta.url));

/** The secrets of one run: the environment to run with and what to look for. */
export interface PlantedSecrets {
  /** `PA_*` for the config's `${env:}` references, `ECHO_TOKEN` for the service's login. */
  env: Record<string, string>;
  planted: Planted[];
}

/** Fresh random secrets, each in the shape that tests its encoding. */
export function plantSecrets(): PlantedSecrets {
  const basicPassword = plantable('basic-pw-');
  const values = {
    PA_URL: plantable('url-'),
    PA_HEALTH: plantable('health-'),
    PA_PATH: plantable('path-'),
    PA_QUERY: plantable('query-'),
    PA_HEADER: plantable('header-'),
    // JSON-escaped, HTML-escaped and percent-encoded differ from the value.
    PA_JSON: `${plantable('json-')}"\\<&`,
    // Form-encoded and URI-encoded differ from each other.
    PA_LOGIN: `${plantable('login-')} &=+`,
    PA_BASIC: Buffer.from(`perf-user:${basicPassword}`).toString('base64'),
    PA_CLIENT: plantable('client-'),
    ECHO_TOKEN: plantable('token-', 24),
  };
  const planted: Planted[] = [
    { name: 'env value in target.url', value: values.PA_URL },
    { name: 'env value in target.health', value: values.PA_HEALTH },
    { name: 'env value in a request path', value: values.PA_PATH },
    { name: 'env value in a request query', value: values.PA_QUERY },
    { name: 'env value in a request header', value: values.PA_HEADER },
    { name: 'env value in a JSON body', value: values.PA_JSON },
    { name: 'env value in the login body', value: values.PA_LOGIN },
    { name: 'env value Basic credential', value: values.PA_BASIC },
    { name: 'the Basic credential decoded', value: `perf-user:${basicPassword}` },
    { name: "the Basic credential's password", value: basicPassword },
    { name: 'env value in the login query', value: values.PA_CLIENT },
    { name: 'the login token', value: values.ECHO_TOKEN },
  ];
  return { env: values, planted };
}

/** The run's perf.yml: every suite that carries a service's text into the results. */
export function echoConfig(port: number): string {
  return `target:
  url: "http://127.0.0.1:${port}/base-\${env:PA_URL}"
  health: "/health?token=\${env:PA_HEALTH}"
  wait: 20s
  start: "${process.execPath} ${SERVICE} --port ${port}"
auth:
  login:
    path: /login
    json: { user: perf, password: "\${env:PA_LOGIN}" }
  token: access_token
defaults: { warmup: 0s, rounds: 1, timeout: 5s }
load:
  scenarios:
    - name: secret-path
      request:
        path: "/items/\${env:PA_PATH}?key=\${env:PA_QUERY}"
        headers: { X-Api-Key: "\${env:PA_HEADER}" }
      connections: 1
      requests: 20
    - name: secret-json
      request: { method: POST, path: /items/new, json: { note: "\${env:PA_JSON}" } }
      connections: 1
      requests: 20
volume:
  steps: [10, 20]
  seed:
    request:
      path: "/bulk?key=\${env:PA_QUERY}"
      headers: { X-Api-Key: "\${env:PA_HEADER}" }
      json: { name: "r{{i}}", note: "\${env:PA_JSON}" }
  queries:
    - name: page
      request: { path: /items/page }
      connections: 1
      requests: 20
video:
  videos:
    - synthetic: { duration: 1s, width: 64, height: 64, fps: 5 }
  upload:
    request:
      method: POST
      path: /videos
      headers: { Authorization: "Basic \${env:PA_BASIC}" }
    id: id
  status:
    request: { path: "/videos/{{id}}" }
    done: { path: status, equals: done }
  levels: [1]
`;
}

/** A perf.yml whose login fails: its URL carries a client secret, which the answer echoes. */
export function failingLoginConfig(port: number): string {
  return echoConfig(port).replace(
    '    path: /login\n',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: perf.yml's own syntax.
    '    path: "/login?client_secret=${env:PA_CLIENT}"\n',
  );
}

/** A perf.yml whose health check never passes (nothing listens), with a token in its path. */
export function unhealthyConfig(closedPort: number): string {
  return `target:
  url: "http://127.0.0.1:${closedPort}"
  health: "/health?token=\${env:PA_HEALTH}"
  wait: 1s
load:
  scenarios:
    - name: x
      request: { path: /x }
      connections: 1
      requests: 20
`;
}
