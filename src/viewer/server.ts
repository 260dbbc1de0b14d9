import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { PraisonAIDB } from '../index.js'
import { redactUrl } from '../index.js'
import { answer } from './api.js'
import { APP_JS, INDEX_HTML, STYLE_CSS } from './assets.js'

/** Where the viewer listens, and who may ask it. */
export interface ViewerOptions {
  readonly db: PraisonAIDB
  /** Default 127.0.0.1; anything else needs the token. */
  readonly host?: string
  /** Default 0: a free port. */
  readonly port?: number
}

/** A running viewer. */
export interface Viewer {
  /** The page's address, with `?token=…` when one is needed. */
  readonly url: string
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const

const STATIC: Readonly<Record<string, readonly [string, string]>> = {
  '/': ['text/html; charset=utf-8', INDEX_HTML],
  '/app.js': ['text/javascript; charset=utf-8', APP_JS],
  '/style.css': ['text/css; charset=utf-8', STYLE_CSS],
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Serves the read-only session viewer. On a loopback address it answers anyone on this
 * machine; bound elsewhere it makes a fresh random token and refuses every request without
 * it (`?token=`), loopback ones included. Only GET and HEAD; every answer is JSON or one of
 * three static files.
 */
export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const host = options.host ?? '127.0.0.1'
  const token = LOOPBACK.has(host) ? undefined : randomBytes(24).toString('base64url')
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'read-only\n')
    const url = new URL(req.url ?? '/', 'http://viewer')
    if (token !== undefined && !tokenMatches(url.searchParams.get('token'), token)) return send(res, 401, 'text/plain; charset=utf-8', 'a token is needed\n')
    const asset = STATIC[url.pathname]
    if (asset !== undefined) return send(res, 200, asset[0], asset[1])
    if (!url.pathname.startsWith('/api/')) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
    const result = await answer(options.db, url.pathname, url.searchParams)
    send(res, result.status, 'application/json; charset=utf-8', JSON.stringify(result.body))
  }
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? redactUrl(error.message) : 'failed'
      if (!res.headersSent) send(res, 503, 'application/json; charset=utf-8', JSON.stringify({ error: message }))
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}/${token === undefined ? '' : `?token=${token}`}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
