// The import's progress page, updated in place: without JavaScript it reloads itself every
// two seconds (a meta refresh inside <noscript>); with it, this asks for the state every
// second and loads the page again once the stage is over (the preview, or the result).
(function () {
  "use strict";
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  // Lists are rebuilt from text nodes only: paths and reasons come from uploaded files.
  function showList(name, items, parts) {
    const section = box.querySelector(`[data-list="${name}"]`);
    const list = section.querySelector("ul");
    list.replaceChildren(
      ...items.map((item) => {
        const [code, text] = parts(item);
        const li = document.createElement("li");
        if (code !== null) {
          const el = document.createElement("code");
          el.textContent = code;
          li.append(el);
        }
        li.append(document.createTextNode(text));
        return li;
      }),
    );
    section.hidden = items.length === 0;
  }
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
      field("failed").textContent = state.failed;
      field("warned").textContent = state.warned;
      field("bar").max = Math.max(state.total, 1);
      field("bar").value = state.done;
      showList("failures", state.failures, (f) => [f.path, `: ${f.reason}`]);
      showList("warnings", state.warnings, (w) => [null, w]);
    } catch (error) {
      // A failed poll is tried again; the page stays as it was.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
