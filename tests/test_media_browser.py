"""Real recordings, with metadata added, are served clean and still play in Chromium: what its
MediaRecorder writes (WebM with unknown sizes; fragmented MP4) goes through the server, and
the served copy has the same duration, picture and seeking as the tagged upload."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import UserFactory
from tests.media_files import GPS, TITLE, packets, tag_recorded_mp4, tag_recorded_webm

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = Path(os.environ.get("GUANXI_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]

if not CHROMIUM.exists():
    if os.environ.get("GUANXI_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

RECORD = """async (mime) => {
  if (!MediaRecorder.isTypeSupported(mime)) return null;
  const audio = new AudioContext(), sound = audio.createMediaStreamDestination();
  const tone = audio.createOscillator();
  tone.connect(sound);
  tone.start();
  const canvas = Object.assign(document.createElement('canvas'), {width: 160, height: 120});
  const paint = canvas.getContext('2d');
  let frame = 0;
  const timer = setInterval(() => {
    paint.fillStyle = `hsl(${frame++ * 12}, 80%, 50%)`;
    paint.fillRect(0, 0, 160, 120);
  }, 30);
  const stream = new MediaStream(
    [...canvas.captureStream(30).getVideoTracks(), ...sound.stream.getAudioTracks()]);
  const recorder = new MediaRecorder(stream, {mimeType: mime}), parts = [];
  recorder.ondataavailable = (event) => parts.push(event.data);
  const stopped = new Promise((done) => { recorder.onstop = done; });
  recorder.start(250);
  await new Promise((done) => setTimeout(done, 2000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""

PLAY = """async ([data, mime]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const video = Object.assign(document.createElement('video'), {muted: true});
  video.src = URL.createObjectURL(new Blob([bytes], {type: mime}));
  const loaded = await new Promise((done) => {
    video.onloadedmetadata = () => done(true);
    video.onerror = () => done(false);
  });
  if (!loaded) return {error: video.error && video.error.message};
  await video.play();
  video.currentTime = 1.0;
  await new Promise((done) => { video.onseeked = done; });
  return {duration: video.duration, width: video.videoWidth, at: video.currentTime >= 1.0,
          error: video.error && video.error.message};
}"""


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = await chromium.new_page()
        await tab.goto("about:blank")
        yield tab
        await chromium.close()


@pytest.mark.parametrize(
    ("mime", "tag"),
    [("video/webm;codecs=vp8,opus", tag_recorded_webm), ("video/mp4", tag_recorded_mp4)],
)
async def test_a_cleaned_recording_still_plays(
    make_user: UserFactory, page: Any, mime: str, tag: Callable[[bytes], bytes]
) -> None:
    recorded = await page.evaluate(RECORD, mime)
    if recorded is None:
        pytest.skip(f"this Chromium cannot record {mime}")
    tagged = tag(base64.b64decode(recorded))
    assert GPS.encode() in tagged and TITLE.encode() in tagged
    mei = await make_user("mei")
    item = await mei.upload_media(tagged, "clip", mime.split(";")[0])
    assert item["kind"] == "video" and 1.5 < item["duration"] < 2.5
    served = await mei.download_bytes(item["id"])
    assert packets(served) == packets(tagged)  # remuxed: not one sample re-encoded
    assert GPS.encode() not in served and TITLE.encode() not in served
    before = await page.evaluate(PLAY, [base64.b64encode(tagged).decode(), mime])
    after = await page.evaluate(PLAY, [base64.b64encode(served).decode(), mime])
    # a live WebM's length is known to a browser only once played through: the copy has it
    assert after["duration"] == pytest.approx(item["duration"], abs=0.05)
    if before["duration"] == float("inf"):
        before["duration"] = after["duration"]
    assert after == before and after["error"] is None, json.dumps([before, after])
    assert after["width"] == 160 and after["at"]
