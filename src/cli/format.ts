import { inspect } from 'node:util'

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39] } as const
export type Style = keyof typeof CODES

/** `text` in a style when `color` is on, as it is otherwise. */
export function paint(color: boolean, style: Style, text: string): string {
  if (!color) return text
  const [on, off] = CODES[style]
  return `\u001b[${on}m${text}\u001b[${off}m`
}

/** Control characters of stored text shown as escapes: a message cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A JSON value pretty-printed for a reader, indented by `indent`. */
export function pretty(value: unknown, indent: string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? inspect(value)
  return printable(text).split('\n').map((line) => `${indent}${line}`).join('\n')
}

/** `2026-11-29 10:31:07` from an ISO timestamp (UTC, as stored). */
export function shortTime(iso: string | null): string {
  return iso === null ? '—' : iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '')
}

/** A text table: a header row, columns padded to their widest cell (cut at `maxWidth`). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 40): string[] {
  const cut = (cell: string): string => (cell.length > maxWidth ? `${cell.slice(0, maxWidth - 1)}…` : cell)
  const cells = [headers, ...rows].map((row) => row.map((cell) => cut(printable(cell))))
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)))
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
}
