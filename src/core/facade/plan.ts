// One job: run a facade plan (a generator that asks the store and receives its answers) on
// either surface, so a read or operation that loops is written once for its async and sync twins.

/** A unit of work that yields what it asks, receives the store's answer to each, and returns its result. */
export type Plan<Ask, Answer, Result> = Generator<Ask, Result, Answer>

/** Runs `plan`, answering each ask with `answer`, awaited. */
export async function runPlan<Ask, Answer, Result>(plan: Plan<Ask, Answer, Result>, answer: (ask: Ask) => Promise<Answer>): Promise<Result> {
  for (let step = plan.next(); ; step = plan.next(await answer(step.value))) {
    if (step.done === true) return step.value
  }
}

/** Runs `plan`, answering each ask with `answer` on the calling thread. */
export function runPlanSync<Ask, Answer, Result>(plan: Plan<Ask, Answer, Result>, answer: (ask: Ask) => Answer): Result {
  for (let step = plan.next(); ; step = plan.next(answer(step.value))) {
    if (step.done === true) return step.value
  }
}

/** Runs `build` and turns a synchronous throw (invalid input) into a rejection, as an async call of the facade must. */
export function rejecting<T>(build: () => Promise<T>): Promise<T> {
  try {
    return build()
  } catch (error) {
    return Promise.reject(error as Error)
  }
}
