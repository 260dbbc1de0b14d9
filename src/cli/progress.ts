/**
 * A progress bar on standard error when it is a terminal (redrawn at most every 100 ms);
 * nothing when it is piped or redirected, so logs and pipes stay plain.
 */
export interface Progress {
  /** `done` of `total` (total unknown: a count). */
  update(done: number, total?: number): void
  /** Clears the bar. */
  end(): void
}

const WIDTH = 30

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true) return { update: () => undefined, end: () => undefined }
  let last = 0
  let drawn = false
  return {
    update(done, total) {
      const now = Date.now()
      if (now - last < 100 && (total === undefined || done < total)) return
      last = now
      drawn = true
      if (total === undefined || total <= 0) {
        stream.write(`\r${label} ${done}`)
        return
      }
      const share = Math.min(1, done / total)
      const filled = Math.round(share * WIDTH)
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total}`)
    },
    end() {
      if (drawn) stream.write('\r\u001b[2K')
    },
  }
}
