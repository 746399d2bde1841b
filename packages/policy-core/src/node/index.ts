// @faramesh/policy-core/node: file loading and hot reload, kept out of the pure main entry.
export { loadPolicyFile, loadProfileFile, readText } from './load.js'
export { watchPolicyFile } from './watch.js'
export type { WatchOptions, PolicyWatcher } from './watch.js'
export { openWatchedFile } from './watch-file.js'
export { createFileWatcher } from './file-watcher.js'
export type { FileWatcher, FileWatcherOptions, Follower } from './file-watcher.js'
export type { ReloadOutcome, WatchedFile, WatchedFileOptions } from './watch-file.js'
