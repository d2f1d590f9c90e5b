// Which emoji this device can draw. Unicode adds emoji every year and an older system's fonts
// draw the new ones as empty boxes ("tofu"), or a new sequence (🧑‍🩰) as its parts side by
// side. One emoji of each Emoji version is drawn on a small canvas in the picker's font
// (app.css's --emoji-font), once per version: the version is drawable when its emoji is
// neither what an unassigned code point gets nor wider than one emoji. When 😀 itself looks
// like the missing glyph (no emoji font, or a canvas that lies) nothing is judged.

const SIZE = 20; // px
const UNASSIGNED = "\u0378"; // no font has it: what a missing glyph looks like
const REFERENCE = "😀";
const known = new Map(); // Emoji version → whether this device draws it
let judge = null;

/** A judge of samples, built once: (emoji) → drawn or not. */
function makeJudge() {
  const el = document.createElement("canvas");
  el.width = SIZE * 3;
  el.height = SIZE * 1.5;
  const context = el.getContext("2d", { willReadFrequently: true });
  if (!context) return () => true;
  const font = getComputedStyle(document.documentElement).getPropertyValue("--emoji-font");
  context.font = `${SIZE}px ${font || "sans-serif"}`;
  context.textBaseline = "top";
  const draw = (text) => {
    context.clearRect(0, 0, el.width, el.height);
    context.fillText(text, 0, 2);
    return {
      pixels: context.getImageData(0, 0, el.width, el.height).data.join(),
      width: context.measureText(text).width,
    };
  };
  const missing = draw(UNASSIGNED).pixels;
  const one = draw(REFERENCE);
  if (one.pixels === missing) return () => true; // cannot tell: keep everything
  return (emoji) => {
    const it = draw(emoji);
    return it.pixels !== missing && it.width < one.width * 1.5;
  };
}

/** Whether this device draws the emoji of `version`, judged by `sample`, one of them. */
export function drawable(version, sample) {
  if (!known.has(version)) {
    judge ||= makeJudge();
    known.set(version, judge(sample));
  }
  return known.get(version);
}
