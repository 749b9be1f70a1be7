export const EXTENSION_ID = "parlint";
export const DISPLAY_NAME = "parlint";
export const FIX_ALL_KIND = "source.fixAll.parlint";
/** How many crashes in CRASH_WINDOW_MS before the server is left stopped. */
export const MAX_RESTARTS = 3;
export const CRASH_WINDOW_MS = 3 * 60 * 1000;
/** Settings and interpreter changes restart the server once they settle. */
export const RESTART_DEBOUNCE_MS = 1000;
