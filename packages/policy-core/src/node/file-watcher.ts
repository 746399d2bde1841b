// One watcher for several files: one fs.watch per directory and one poll timer, however many files it follows. The
// gateway follows its policy, profile and tokens files with one (server/src/node/gateway-files.ts). An event that
// names a followed file goes to that file alone, so saving the policy does not make the profile and the tokens file
// beside it be read again; an event that names something else (an editor's temp file, the `..data` symlink swap of a
// Kubernetes-mounted ConfigMap) or nothing goes to every file of the directory.
import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'

export interface FileWatcherOptions {
  /** Also tick every follower this often, a safety net for events a filesystem does not report. Default 2000; 0 turns it off. */
  pollMs?: number
}

export interface Follower {
  /** Something happened to the file (or maybe did: an unnamed event in its directory). */
  event(): void
  /** The poll: look whether the file changed. */
  tick(): void
}

export interface FileWatcher {
  /** Follow the file at `path`; returns the function that stops following it. */
  follow(this: void, path: string, follower: Follower): () => void
  /** Stop following every file. */
  close(this: void): void
}

interface Directory {
  path: string
  watcher: FSWatcher | null
  files: Map<string, Set<Follower>>
}

export function createFileWatcher(opts: FileWatcherOptions = {}): FileWatcher {
  const dirs = new Map<string, Directory>()
  let poller: NodeJS.Timeout | undefined
  let closed = false

  const everyone = (d: Directory): Follower[] => [...d.files.values()].flatMap((s) => [...s])

  const dispatch = (d: Directory, filename: string | Buffer | null): void => {
    const named = filename === null ? undefined : d.files.get(String(filename))
    for (const f of named ? [...named] : everyone(d)) f.event()
  }

  // A directory that does not exist (yet) is left to the poll, which attaches the watch once it does; a watch that
  // breaks is dropped the same way, and its files look for themselves meanwhile.
  const attach = (d: Directory): void => {
    try {
      d.watcher = watch(d.path, { persistent: false }, (_type, filename) => dispatch(d, filename))
    } catch {
      d.watcher = null
      return
    }
    d.watcher.on('error', () => {
      d.watcher?.close()
      d.watcher = null
      for (const f of everyone(d)) f.event()
    })
  }

  const tick = (): void => {
    for (const d of dirs.values()) {
      if (!d.watcher) attach(d)
      for (const f of everyone(d)) f.tick()
    }
  }

  return {
    follow(path, follower) {
      if (closed) return () => {}
      const file = resolve(path)
      let d = dirs.get(dirname(file))
      if (!d) {
        d = { path: dirname(file), watcher: null, files: new Map() }
        dirs.set(d.path, d)
        attach(d)
      }
      const name = basename(file)
      const set = d.files.get(name) ?? new Set()
      d.files.set(name, set.add(follower))
      const every = opts.pollMs ?? 2000
      if (!poller && every > 0) {
        poller = setInterval(tick, every)
        poller.unref()
      }
      const dir = d
      return () => {
        set.delete(follower)
        if (set.size === 0) dir.files.delete(name)
        if (dir.files.size > 0 || dirs.get(dir.path) !== dir) return
        dir.watcher?.close()
        dirs.delete(dir.path)
        if (dirs.size === 0) {
          clearInterval(poller)
          poller = undefined
        }
      }
    },
    close() {
      closed = true
      clearInterval(poller)
      for (const d of dirs.values()) d.watcher?.close()
      dirs.clear()
    },
  }
}
