// The part of autocannon's API bench/hand-written.ts uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string
    connections?: number
    duration?: number
    method?: string
    body?: string
    headers?: Record<string, string>
  }
  interface Result {
    requests: { average: number }
    latency: { p50: number; p99: number }
    non2xx: number
    errors: number
  }
  function autocannon(opts: Options): Promise<Result>
  namespace autocannon {
    export type { Options, Result }
  }
  export default autocannon
}
