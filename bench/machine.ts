import { cpus, loadavg, platform, release, totalmem } from 'node:os'

/** What the numbers were measured on. */
export function describeMachine(): Record<string, unknown> {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    totalMemoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

/** 1, 5 and 15-minute load averages: other work on the machine skews every number. */
export const loadAverage = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100)
