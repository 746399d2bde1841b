// Theme: follows the system until the reviewer picks one, then remembers the pick (localStorage). The inline
// script in app.html applies the stored pick before first paint.
export type ThemeChoice = 'light' | 'dark' | 'system'
export type Theme = 'light' | 'dark'

export const THEME_KEY = 'faramesh.theme'

export function parseThemeChoice(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system'
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light'
  return choice
}

/** The toggle flips the theme the reviewer currently sees, so one click always changes something. */
export function nextThemeChoice(current: Theme): ThemeChoice {
  return current === 'dark' ? 'light' : 'dark'
}
