// Starts GOV.UK Frontend's components (error summary focus, service navigation toggle, etc.).
import { initAll } from "/assets/js/govuk-frontend.min.js";

initAll();

// A case-list import in progress: say how far it has got in the page's live region, and load the
// result when it finishes. Without JavaScript the page's refresh link does the same.
const progress = document.getElementById("import-progress");
if (progress) {
  const poll = async () => {
    const response = await fetch(progress.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const job = await response.json();
    if (job.status === "done" || job.status === "failed") {
      window.location.reload();
      return;
    }
    if (job.status === "running") {
      const total = job.rows_total ? ` of about ${job.rows_total.toLocaleString("en-GB")}` : "";
      progress.textContent = `Checked ${job.rows_done.toLocaleString("en-GB")}${total} rows.`;
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}

// The idle warning: two minutes before the session's idle limit, say so and offer to stay signed in.
const warning = document.getElementById("idle-warning");
if (warning) {
  const idleMs = Number(warning.dataset.idleSeconds) * 1000;
  const warnBefore = Math.min(120000, idleMs / 2);
  let timer;
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      warning.hidden = false;
      warning.focus();
    }, idleMs - warnBefore);
  };
  document.getElementById("stay-signed-in").addEventListener("click", async () => {
    const response = await fetch(warning.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": warning.dataset.csrfToken },
      credentials: "same-origin",
    });
    if (response.ok) {
      warning.hidden = true;
      schedule();
    }
  });
  schedule();
}

// "Print this page" buttons (no inline script: the CSP allows none).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
