// The import's progress page, updated in place: without JavaScript it reloads itself every
// two seconds (a meta refresh inside <noscript>); with it, this asks for the state every
// second and loads the page again once the stage is over (the preview, or the result).
(function () {
  "use strict";
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  async function poll() {
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      if (state.finished) {
        window.location.reload();
        return;
      }
      field("message").textContent = state.message;
      field("done").textContent = state.done;
      field("total").textContent = state.total;
      field("bar").max = Math.max(state.total, 1);
      field("bar").value = state.done;
    } catch (error) {
      // A failed poll is tried again; the page stays as it was.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
