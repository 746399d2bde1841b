import { defineConfig } from 'vitest/config'
import { serialTests } from '../../vitest.shared.ts'

export default defineConfig({ test: serialTests })
