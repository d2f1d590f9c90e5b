// Light and dark themes: the choice (system, light or dark) is kept on this device; "system"
// follows the operating system's setting, live. The stylesheet reads <html data-theme>; its
// colours are custom properties, redefined for the dark theme (app.css).

const KEY = "guanxi.theme";
export const THEMES = ["system", "light", "dark"];
const dark = matchMedia("(prefers-color-scheme: dark)");

export function themeChoice() {
  try {
    const stored = localStorage.getItem(KEY);
    return THEMES.includes(stored) ? stored : "system";
  } catch {
    return "system";
  }
}

export function setTheme(choice) {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage refused (private mode): the choice holds until the page closes
  }
  apply(choice);
}

function apply(choice = themeChoice()) {
  const theme = choice === "dark" || (choice === "system" && dark.matches) ? "dark" : "light";
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", theme);
}

/** Applies the stored theme now and whenever the system's changes. */
export function startTheme() {
  apply();
  dark.addEventListener("change", () => apply());
}
