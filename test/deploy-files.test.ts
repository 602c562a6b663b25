import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Docker is not installed where the tests run, so the deployment files (issue 18) are checked for
 * what an operator relies on: the compose file's shape (PostgreSQL, two web, two workers, a load
 * balancer with WebSocket upgrade), every secret required rather than defaulted, every engine
 * read-only and given time to drain; the image multi-stage, non-root, with a readiness check.
 */
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  read_only?: boolean;
  stop_grace_period?: string;
  volumes?: string[];
  depends_on?: unknown;
  ports?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
  const engines = Object.entries(compose.services).filter(([, service]) => service.command?.[0] === 'serve');
  const roleOf = (service: Service) => service.command![service.command!.indexOf('--role') + 1];

  it('runs PostgreSQL, two web processes, two workers and a load balancer', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(engines.filter(([, service]) => roleOf(service) === 'web').map(([name]) => name).sort()).toEqual(['web1', 'web2']);
    expect(engines.filter(([, service]) => roleOf(service) === 'worker').map(([name]) => name).sort()).toEqual(['worker1', 'worker2']);
    expect(compose.services.lb?.image).toMatch(/^nginx:/);
  });

  it('gives every engine one DATABASE_URL and the same secrets, each required (no default, never generated)', () => {
    const environments = engines.map(([, service]) => service.environment!);
    for (const environment of environments) expect(environment).toEqual(environments[0]);
    const env = environments[0]!;
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\/callchart$/);
    for (const name of ['CALLCHART_WEBHOOK_SECRET', 'CALLCHART_STAFF_TOKEN_SECRET', 'CALLCHART_AUDIT_KEY']) {
      expect(env[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    }
    expect(env.CALLCHART_KEK_FILE).toBeTruthy();
    expect(env.CALLCHART_AUDIT_CHECKPOINT_FILE).toBeTruthy();
  });

  it('runs every engine on a read-only root filesystem, with a stop grace longer than its drain', () => {
    const config = parse(read('deploy/callchart.yaml')) as { server: { host: string; shutdownTimeoutSeconds: number } };
    expect(config.server.host).toBe('0.0.0.0');
    for (const [, service] of engines) {
      expect(service.read_only).toBe(true);
      expect(Number.parseInt(service.stop_grace_period!, 10)).toBeGreaterThan(config.server.shutdownTimeoutSeconds);
    }
  });

  it('balances the web processes only, with WebSocket upgrade and no sticky sessions', () => {
    const nginx = read('deploy/nginx.conf');
    const upstream = /upstream callchart_web \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(upstream.match(/server (\w+):8787/g)).toEqual(['server web1:8787', 'server web2:8787']);
    expect(upstream).not.toMatch(/ip_hash|sticky|hash /);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade/);
    expect(nginx).toMatch(/proxy_next_upstream [^;]*http_503/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs from another, as a non-root user, checking readiness', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/ready/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/callchart\.js"\]$/m);
  });
});
