// Print buttons (no inline handlers: the Content-Security-Policy forbids them).
document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
