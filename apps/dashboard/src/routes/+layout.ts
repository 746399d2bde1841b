// Single-page app: everything renders in the browser against the gateway's API.
export const ssr = false
export const prerender = false
