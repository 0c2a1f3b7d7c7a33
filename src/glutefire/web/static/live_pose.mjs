// In-browser pose for live mirror mode: MediaPipe Tasks for the web (@mediapipe/tasks-vision,
// Apache-2.0, vendored under /static/vendor/tasks-vision/) running the same BlazePose .task bundle
// as the server, on the CPU (WebAssembly SIMD; the GPU delegate is far slower where WebGL is
// emulated). Nothing is fetched from another site and no image leaves the page.
import { PoseLandmarker } from "/static/vendor/tasks-vision/vision_bundle.mjs";

const WASM = "/static/vendor/tasks-vision/wasm/";
// The smallest module with a SIMD instruction (as in wasm-feature-detect): the runtime is the
// SIMD build, so a browser that cannot validate this cannot run it.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);
// Landmark coordinates the server accepts, as fractions of the image (web/live.py LANDMARK_RANGE).
const LOW = -1, HIGH = 2;

function clamp(value, low, high) {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : low;
}

/** A pose model in this browser: detect(video, timeMs) -> [[x, y, visibility] x 33] | null
 * (x right, y down, fractions of the video image; timeMs strictly increasing), close().
 * Rejects when the browser cannot run it (no WebAssembly SIMD, runtime or model missing). */
export async function createBrowserPose(modelUrl) {
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(SIMD_PROBE)) {
    throw new Error("this browser cannot run WebAssembly SIMD");
  }
  const fileset = {
    wasmLoaderPath: WASM + "vision_wasm_internal.js",
    wasmBinaryPath: WASM + "vision_wasm_internal.wasm",
  };
  const landmarker = await PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: modelUrl, delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
  });
  return {
    detect(video, timeMs) {
      const pose = landmarker.detectForVideo(video, timeMs).landmarks[0];
      if (!pose) return null;
      return pose.map((p) => [
        Math.round(clamp(p.x, LOW, HIGH) * 1e4) / 1e4,
        Math.round(clamp(p.y, LOW, HIGH) * 1e4) / 1e4,
        Math.round(clamp(p.visibility ?? 0, 0, 1) * 1e4) / 1e4,
      ]);
    },
    close() {
      landmarker.close();
    },
  };
}
