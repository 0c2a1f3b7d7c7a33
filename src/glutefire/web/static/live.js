// Live mirror mode. Browser path (tried first unless ?pose=server): the pose model runs in this
// page (live_pose.mjs) and only the landmarks go over the WebSocket; the skeleton is drawn at
// once, the rep count and cue come back from the server. Server path (the fallback when the
// browser cannot run the model, or ?pose=server): webcam -> 640x480 JPEG -> WebSocket, and the
// skeleton the server returns is drawn. At most MAX_IN_FLIGHT frames wait for a reply. The
// exercise picker sends {"type": "exercise"} (a new set); a squat set can be saved.
(function () {
  const root = document.getElementById("live");
  if (!root) return;
  const W = 640, H = 480, MAX_IN_FLIGHT = 2, MAX_LANDMARKS_IN_FLIGHT = 4;
  const EDGES = [[11,12],[11,13],[13,15],[12,14],[14,16],[11,23],[12,24],[23,24],[23,25],[25,27],[24,26],[26,28],[27,29],[29,31],[27,31],[28,30],[30,32],[28,32]];
  const video = document.getElementById("live-video");
  const canvas = document.getElementById("live-canvas");
  const ctx = canvas.getContext("2d");
  const grab = document.createElement("canvas"); grab.width = W; grab.height = H;
  const gctx = grab.getContext("2d");
  const el = (id) => document.getElementById(id);
  let ws = null, inFlight = 0, frames = 0, landmarks = null, started = 0, running = false;
  let path = null, pose = null, lastVideoTime = -1;
  const sentAt = new Map();
  // Per-frame latency in ms (browser path: detection; server path: round trip), for benchmarks.
  const stats = { path: null, latencies_ms: [], replies: 0 };
  window.glutefireLive = stats;

  function showPath(name, note) {
    path = name; stats.path = name;
    const p = el("live-path"); p.dataset.path = name;
    p.textContent = (name === "browser"
      ? "Pose runs in this browser: only landmarks leave this device."
      : "Pose runs on the server: camera frames are sent to it.") + (note ? " (" + note + ")" : "");
    el("live-latency-label").textContent = name === "browser" ? "detection" : "round trip";
  }

  function showFrame(latencyMs) {
    frames += 1;
    el("live-frames").textContent = frames;
    el("live-fps").textContent = (frames / ((performance.now() - started) / 1000)).toFixed(1);
    if (latencyMs !== undefined) {
      el("live-latency").textContent = latencyMs.toFixed(0);
      if (stats.latencies_ms.length < 100000) stats.latencies_ms.push(latencyMs);
    }
  }

  function draw() {
    if (path === "browser") detectHere();
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

  function detectHere() {
    if (!running || video.readyState < 2 || video.currentTime === lastVideoTime) return;
    lastVideoTime = video.currentTime;
    const t = performance.now();
    let points;
    try { points = pose.detect(video, t); }
    catch (e) { switchToServer("in-browser pose stopped: " + e); return; }
    landmarks = points;
    showFrame(performance.now() - t);
    if (ws.readyState !== 1 || inFlight >= MAX_LANDMARKS_IN_FLIGHT) return;  // the server lags: skip
    ws.send(JSON.stringify({ type: "landmarks", t: t, w: video.videoWidth, h: video.videoHeight, points: points }));
    inFlight += 1;
  }

  function switchToServer(note) {
    if (pose) { pose.close(); pose = null; }
    showPath("server", note);
    inFlight = 0;
    for (let i = 0; i < MAX_IN_FLIGHT; i++) send();
  }

  function send() {
    if (!running || path !== "server" || !ws || ws.readyState !== 1 || inFlight >= MAX_IN_FLIGHT) return;
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

  function showCount(msg) {
    const hold = msg.counts === "hold";
    el("live-count-label").textContent = hold ? "Hold (s)" : "Reps";
    el("live-reps").textContent = hold ? (msg.hold_s === null ? "0" : msg.hold_s.toFixed(1)) : msg.reps;
    el("live-hold-best").textContent = hold && msg.longest_hold_s !== null ? "(longest " + msg.longest_hold_s.toFixed(1) + " s)" : "";
    el("live-cue").textContent = msg.cue;
    el("live-advice").textContent = msg.advice || "";
  }

  function chooseExercise() {
    const exercise = el("live-exercise").value;
    el("live-save").disabled = !running || exercise !== "squat";
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "exercise", exercise: exercise }));
  }

  function onFrame(msg) {
    inFlight = Math.max(0, inFlight - 1); stats.replies += 1;
    if (msg.exercise !== el("live-exercise").value) { send(); return; }  // from the previous set
    showCount(msg);
    if (path === "browser") return;  // drawn and counted when detected
    const t = sentAt.get(msg.frame); sentAt.delete(msg.frame);
    landmarks = msg.landmarks;
    showFrame(t === undefined ? undefined : performance.now() - t);
    send();
  }

  function onMessage(ev) {
    const msg = JSON.parse(ev.data);
    if (msg.type === "frame") {
      onFrame(msg);
    } else if (msg.type === "saved") {
      el("live-status").textContent = "Saved: " + msg.complete_reps + " complete reps.";
      const link = el("live-result"); link.href = msg.url; link.hidden = false;
    } else if (msg.type === "reset" || msg.type === "exercise") {
      frames = 0; started = performance.now(); el("live-reps").textContent = "0";
      el("live-cue").textContent = ""; el("live-advice").textContent = ""; el("live-hold-best").textContent = "";
      if (msg.type === "exercise") el("live-status").textContent = "Live: " + msg.title + ".";
    } else if (msg.type === "error") {
      inFlight = Math.max(0, inFlight - 1);
      el("live-status").textContent = msg.message; send();
    }
  }

  async function choosePath() {
    const forced = root.dataset.pose !== "auto";  // ?pose=browser or ?pose=server
    if (root.dataset.pose === "server") { showPath("server", "chosen in the address"); return true; }
    el("live-status").textContent = "Loading the pose model into this browser...";
    try {
      const { createBrowserPose } = await import("/static/live_pose.mjs");
      pose = await createBrowserPose(root.dataset.model);
      showPath("browser", forced ? "chosen in the address" : "");
      return true;
    } catch (e) {
      if (forced) { el("live-status").textContent = "In-browser pose unavailable: " + e; return false; }
      showPath("server", "in-browser pose unavailable: " + e);
      return true;
    }
  }

  el("live-start").addEventListener("click", async () => {
    el("live-start").disabled = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: W, height: H }, audio: false });
      video.srcObject = stream; await video.play();
    } catch (e) { el("live-status").textContent = "Camera unavailable: " + e; el("live-start").disabled = false; return; }
    if (!(await choosePath())) { el("live-start").disabled = false; return; }
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + root.dataset.ws);
    ws.onmessage = onMessage;
    ws.onclose = () => { running = false; el("live-status").textContent = "Connection closed."; };
    ws.onopen = () => {
      running = true; started = performance.now();
      el("live-reset").disabled = false;
      el("live-status").textContent = "Live.";
      chooseExercise();
      requestAnimationFrame(draw);
      for (let i = 0; i < MAX_IN_FLIGHT; i++) send();
    };
  });
  el("live-save").addEventListener("click", () => { el("live-status").textContent = "Saving..."; ws.send(JSON.stringify({ type: "save" })); });
  el("live-exercise").addEventListener("change", chooseExercise);
  el("live-reset").addEventListener("click", () => ws.send(JSON.stringify({ type: "reset" })));
})();
