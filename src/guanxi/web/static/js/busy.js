// A submit button while its request runs: greyed, and saying why ("Posting…"), not silently
// dead; its own words come back when the request is done.

/** Runs `work()` with `button` disabled, labelled `label` and aria-busy; returns its result. */
export async function whileBusy(button, label, work) {
  const own = button.textContent;
  button.disabled = true;
  button.textContent = label;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = own;
    button.removeAttribute("aria-busy");
  }
}
