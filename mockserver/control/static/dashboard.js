// The dashboard's only script: keep the request list live, copy curl commands.
// Served by the sandbox itself (no CDN, no build step); the page works without it.
"use strict";

(function () {
  const POLL_MS = 1000;

  function liveRequests() {
    const table = document.getElementById("requests");
    const live = document.getElementById("live");
    if (!table || !live) return;
    const query = table.dataset.query || "";
    let busy = false;
    async function poll() {
      if (busy || !live.checked || document.hidden) return;
      busy = true;
      try {
        const answer = await fetch("/_mock/ui/requests/rows?" + query, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
        if (!answer.ok) return;
        const parsed = new DOMParser().parseFromString(
          "<table>" + (await answer.text()) + "</table>", "text/html");
        const fresh = parsed.getElementById("request-rows");
        const current = document.getElementById("request-rows");
        if (!fresh || !current) return;
        if (fresh.dataset.newest !== current.dataset.newest ||
            fresh.dataset.total !== current.dataset.total) {
          current.replaceWith(document.importNode(fresh, true));
          const total = document.getElementById("request-total");
          if (total) total.textContent = fresh.dataset.total;
        }
      } catch (error) {
        // The server is restarting or gone; try again on the next tick.
      } finally {
        busy = false;
      }
    }
    setInterval(poll, POLL_MS);
  }

  function copyButtons() {
    for (const button of document.querySelectorAll("[data-copy]")) {
      button.addEventListener("click", async function () {
        const source = document.getElementById(button.dataset.copy);
        const said = document.getElementById("copied");
        try {
          await navigator.clipboard.writeText(source.textContent);
          if (said) said.textContent = "copied";
        } catch (error) {
          const range = document.createRange();
          range.selectNodeContents(source);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (said) said.textContent = "selected: press Ctrl+C";
        }
      });
    }
  }

  liveRequests();
  copyButtons();
})();
