/* runback sounds: short beeps from a Web Audio oscillator (no audio files). */
(function () {
  "use strict";
  var audioCtx = null;

  /* Create (or wake) the audio context; browsers allow sound only after a user gesture. */
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audioCtx) {
      try { audioCtx = new Ctx(); } catch (e) { return null; }
    }
    if (audioCtx.state === "suspended") audioCtx.resume();
    return audioCtx;
  }

  /* A sine beep with a soft envelope, so it does not click. */
  function beep(freq, ms, volume) {
    var ctx = audioCtx || unlockAudio();
    if (!ctx || ctx.state !== "running") return;
    var t = ctx.currentTime;
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    var peak = volume === undefined ? 0.2 : volume;
    var dur = (ms || 150) / 1000;
    osc.type = "sine";
    osc.frequency.value = freq || 880;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(peak, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + dur);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t);
    osc.stop(t + dur + 0.02);
  }

  window.runback = Object.assign(window.runback || {}, { beep: beep, unlockAudio: unlockAudio });
})();
