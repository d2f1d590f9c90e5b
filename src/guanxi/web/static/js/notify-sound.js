// A short two-note chime made with WebAudio: no audio file to ship or fetch.

let audio = null;
let last = -Infinity;

/** Plays the chime, at most once a second (a burst of messages after a reconnect rings once). */
export function chime() {
  if (performance.now() - last < 1000) return;
  last = performance.now();
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const now = audio.currentTime;
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
    for (const [freq, at] of [
      [880, 0],
      [1320, 0.09],
    ]) {
      const tone = audio.createOscillator();
      tone.type = "sine";
      tone.frequency.value = freq;
      tone.connect(gain);
      tone.start(now + at);
      tone.stop(now + 0.36);
    }
  } catch {
    // no audio on this device: silence
  }
}
