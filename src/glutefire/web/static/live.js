// Live mirror mode: webcam -> 640x480 JPEG -> WebSocket; draws the mirrored image and the
// skeleton the server returns, with the rep count and cue. At most MAX_IN_FLIGHT frames wait.
(function () {
  const root = document.getElementById("live");
  if (!root) return;
  const W = 640, H = 480, MAX_IN_FLIGHT = 2;
  const EDGES = [[11,12],[11,13],[13,15],[12,14],[14,16],[11,23],[12,24],[23,24],[23,25],[25,27],[24,26],[26,28],[27,29],[29,31],[27,31],[28,30],[30,32],[28,32]];
  const video = document.getElementById("live-video");
  const canvas = document.getElementById("live-canvas");
  const ctx = canvas.getContext("2d");
  const grab = document.createElement("canvas"); grab.width = W; grab.height = H;
  const gctx = grab.getContext("2d");
  const el = (id) => document.getElementById(id);
  let ws = null, inFlight = 0, frames = 0, landmarks = null, started = 0, running = false;
  const sentAt = new Map();

  function draw() {
    ctx.save(); ctx.translate(W, 0); ctx.scale(-1, 1);  // mirror
    ctx.drawImage(video, 0, 0, W, H);
    if (landmarks) {
      ctx.strokeStyle = el("live-cue").textContent ? "#e63946" : "#52b788"; ctx.lineWidth = 4;
      for (const [a, b] of EDGES) {
        const p = landmarks[a], q = landmarks[b];
        if (p[2] < 0.5 || q[2] < 0.5) continue;
        ctx.beginPath(); ctx.moveTo(p[0] * W, p[1] * H); ctx.lineTo(q[0] * W, q[1] * H); ctx.stroke();
      }
    }
    ctx.restore();
    if (running) requestAnimationFrame(draw);
  }

  function send() {
    if (!running || !ws || ws.readyState !== 1 || inFlight >= MAX_IN_FLIGHT) return;
    gctx.drawImage(video, 0, 0, W, H);
    const t = performance.now();
    grab.toBlob(async (blob) => {
      if (!blob || ws.readyState !== 1) return;
      const head = new DataView(new ArrayBuffer(8)); head.setFloat64(0, t, true);
      ws.send(new Blob([head.buffer, blob]));
      sentAt.set(frames + inFlight, t);
    }, "image/jpeg", 0.7);
    inFlight += 1;
  }

  function onMessage(ev) {
    const msg = JSON.parse(ev.data);
    if (msg.type === "frame") {
      inFlight = Math.max(0, inFlight - 1);
      const t = sentAt.get(msg.frame); sentAt.delete(msg.frame);
      frames += 1; landmarks = msg.landmarks;
      el("live-reps").textContent = msg.reps; el("live-cue").textContent = msg.cue;
      el("live-frames").textContent = frames;
      el("live-fps").textContent = (frames / ((performance.now() - started) / 1000)).toFixed(1);
      if (t !== undefined) el("live-latency").textContent = (performance.now() - t).toFixed(0);
      send();
    } else if (msg.type === "saved") {
      el("live-status").textContent = "Saved: " + msg.complete_reps + " complete reps.";
      const link = el("live-result"); link.href = msg.url; link.hidden = false;
    } else if (msg.type === "reset") {
      frames = 0; started = performance.now(); el("live-reps").textContent = "0";
    } else if (msg.type === "error") {
      inFlight = Math.max(0, inFlight - 1);
      el("live-status").textContent = msg.message; send();
    }
  }

  el("live-start").addEventListener("click", async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: W, height: H }, audio: false });
      video.srcObject = stream; await video.play();
    } catch (e) { el("live-status").textContent = "Camera unavailable: " + e; return; }
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + root.dataset.ws);
    ws.onmessage = onMessage;
    ws.onclose = () => { running = false; el("live-status").textContent = "Connection closed."; };
    ws.onopen = () => {
      running = true; started = performance.now();
      el("live-save").disabled = false; el("live-reset").disabled = false; el("live-start").disabled = true;
      el("live-status").textContent = "Live.";
      requestAnimationFrame(draw);
      for (let i = 0; i < MAX_IN_FLIGHT; i++) send();
    };
  });
  el("live-save").addEventListener("click", () => { el("live-status").textContent = "Saving..."; ws.send(JSON.stringify({ type: "save" })); });
  el("live-reset").addEventListener("click", () => ws.send(JSON.stringify({ type: "reset" })));
})();
