// Loaded with --import into the test process (vitest.config.ts), and so into every worker thread it starts: the
// ledger's workers then run from the TypeScript sources, Node stripping the types, with the sources' `./x.js`
// imports mapped to the `./x.ts` files beside them. Production runs the built dist/ files and needs none of this.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (err) {
      if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context)
      throw err
    }
  },
})
