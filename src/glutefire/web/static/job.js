// Polls the upload job until it is done or failed.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = document.getElementById("job-progress");
  const status = document.getElementById("job-status");
  const error = document.getElementById("job-error");
  const link = document.getElementById("job-result");
  async function poll() {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) { status.textContent = "status unavailable (" + r.status + ")"; return; }
    const job = await r.json();
    bar.value = job.progress;
    const busy = job.status === "queued" || job.status === "running";
    status.textContent = job.status + (job.status === "running" ? ": frame " + job.frames_done + " of " + job.frames_total : "")
      + (busy && job.attempts > 1 ? " (attempt " + job.attempts + " of " + job.max_attempts + ": the server stopped during an earlier attempt)" : "");
    if (job.status === "done") { link.href = job.result_url; link.hidden = false; return; }
    if (job.status === "failed") { error.textContent = job.error; error.hidden = false; return; }
    setTimeout(poll, 500);
  }
  poll();
})();
