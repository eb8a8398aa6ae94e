import { join } from 'node:path';

export interface NginxConfigOptions {
  /** Where nginx keeps its pid, error log and temp files (its `-p` prefix). */
  readonly directory: string;
  readonly listenPort: number;
  /** The replicas, all on 127.0.0.1. */
  readonly upstreamPorts: readonly number[];
  /** Worker processes (default 2). */
  readonly workers?: number;
}

/** The path nginx answers itself, without touching an upstream. */
export const nginxHealthPath = '/__nginx/health';

/**
 * An nginx config that spreads requests round-robin over the replicas as a production proxy
 * would: HTTP/1.1 keep-alive to the upstreams, no response buffering (SSE passes through chunk
 * by chunk), generous timeouts for slow answers, no access log, and every file it writes in
 * `directory`. A replica is never marked down (`max_fails=0`), so a restart does not skew the spread.
 */
export function nginxConfig(options: NginxConfigOptions): string {
  const { directory } = options;
  if (options.upstreamPorts.length === 0) throw new RangeError('nginx needs at least one upstream port');
  const path = (name: string) => JSON.stringify(join(directory, name));
  const servers = options.upstreamPorts.map((port) => `    server 127.0.0.1:${port} max_fails=0;`);
  return [
    `worker_processes ${options.workers ?? 2};`,
    `pid ${path('nginx.pid')};`,
    `error_log ${path('error.log')} warn;`,
    'worker_rlimit_nofile 16384;',
    'events {',
    '  worker_connections 8192;',
    '}',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${path('client-body')};`,
    `  proxy_temp_path ${path('proxy')};`,
    `  fastcgi_temp_path ${path('fastcgi')};`,
    `  uwsgi_temp_path ${path('uwsgi')};`,
    `  scgi_temp_path ${path('scgi')};`,
    '  client_max_body_size 16m;',
    '  client_body_buffer_size 1m;',
    '  keepalive_timeout 75s;',
    '  keepalive_requests 100000;',
    '  upstream tollgate_replicas {',
    ...servers,
    '    keepalive 64;',
    '    keepalive_requests 100000;',
    // Below the replicas' own keep-alive timeout (65 s), so nginx closes idle connections first.
    '    keepalive_timeout 60s;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${options.listenPort} backlog=4096;`,
    `    location = ${nginxHealthPath} {`,
    '      return 200 "ok\\n";',
    '    }',
    '    location / {',
    '      proxy_pass http://tollgate_replicas;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    '      proxy_buffering off;',
    '      proxy_connect_timeout 5s;',
    '      proxy_send_timeout 300s;',
    '      proxy_read_timeout 300s;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
