// Extension pages refuse to run inside a frame: a page that managed to frame
// one could draw over it. Loaded first by every extension page.
"use strict";
if (window.top !== window) {
  document.documentElement.replaceChildren();
  throw new Error("latchkey pages do not run inside frames");
}
