// Notices that this process did not run for a while (the laptop slept, or it was stopped with
// SIGSTOP / Ctrl-Z): a one-second timer that fires late by more than `thresholdMs`. By then the
// agents have dropped our registrations (their ping timeout) and the Lease may have run out; the
// session tells the user and has the tunnels reconnect at once.

export function watchForPauses(onPause: (pausedMs: number) => void, thresholdMs = 5000, tickMs = 1000): () => void {
  let last = Date.now();
  const timer = setInterval(function checkClock() {
    const now = Date.now();
    const late = now - last - tickMs;
    last = now;
    if (late > thresholdMs) onPause(late + tickMs);
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
