// The page's whole behaviour: no framework and no build step, so it deploys as three static files.
// The API is described in docs/api-contract.md; every value it returns is treated as untrusted
// and written with textContent, never as HTML.
"use strict";

const DEFAULT_MAX_CHARS = 10000; // the contract's default, used until /v1/model answers
const DEFAULT_MAX_SENTENCES = 100; // likewise
const REQUEST_TIMEOUT_MS = 30000; // API Gateway gives up at 29 s, so waiting longer is pointless
const TOP_WORDS = 8;

const EXAMPLES = {
  positive:
    "A wonderful, moving story with a superb cast. The director made a brilliant, " +
    "beautiful masterpiece, and I loved every scene.",
  negative:
    "Awful from start to finish: a dull plot, a stupid script and the worst ending I have " +
    "seen. A boring, terrible waste of two hours.",
  mixed:
    "The music is beautiful and the cast is great, but the plot is a mess and the ending " +
    "is dull.",
  negated: "I wanted to love it, but no. Not good at all, not funny, never again.",
  notbad: "Not bad at all, actually quite fun.",
  contrast: "I expected to be bored, but it was thrilling.",
  question: "Would I watch it again? No way.",
};

const MESSAGES = {
  empty: "Type or paste a review first.",
  tooLong: (n, max) =>
    `Your review is ${fmt(n)} characters long; the limit is ${fmt(max)}. ` +
    "Shorten it and try again.",
  network:
    "Can't reach the sentiment service. Check your connection and try again.",
  timeout: "The sentiment service took too long to answer. Please try again.",
  throttled: "Too many requests, try again in a moment.",
  server: (status) =>
    `The sentiment service ran into a problem (HTTP ${status}). Please try again later.`,
  rejected: (status) => `The service rejected the request (HTTP ${status}).`,
  badResponse: "The sentiment service sent an answer this page does not understand.",
  tooManySentences: (max) =>
    `This review has more than ${fmt(max)} sentences, more than the service judges one by ` +
    "one, so only the whole review's sentiment is shown.",
};

// ---- highlighted words ------------------------------------------------------------------
// The service says where each explained word is (`occurrences`, code-point offsets into the text
// as sent), so the page needs no tokenizer of its own: it cannot miss a word the service read.

/** Splits text into plain and marked segments: [{text, weight?}], weight only on occurrences.
 * Offsets that do not fit the text, or overlap one already marked, are left unmarked. */
function segmentText(text, explanation) {
  const chars = Array.from(text);
  const spans = [];
  for (const item of explanation) {
    for (const o of Array.isArray(item.occurrences) ? item.occurrences : []) {
      const ok =
        Number.isInteger(o?.start) &&
        Number.isInteger(o?.end) &&
        0 <= o.start &&
        o.start < o.end &&
        o.end <= chars.length;
      if (ok) spans.push({ start: o.start, end: o.end, weight: item.weight });
    }
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const segments = [];
  let last = 0;
  for (const span of spans) {
    if (span.start < last) continue;
    if (span.start > last) segments.push({ text: chars.slice(last, span.start).join("") });
    segments.push({ text: chars.slice(span.start, span.end).join(""), weight: span.weight });
    last = span.end;
  }
  if (last < chars.length) segments.push({ text: chars.slice(last).join("") });
  return segments;
}

// ---- sentences -----------------------------------------------------------------------------
// The API's offsets count code points, as Python does; JavaScript strings count UTF-16 units, so
// an emoji before a sentence would shift every slice by one. Array.from splits by code point.

/** The sentences' answers if they are usable for `text` (in order, inside it), else null. */
function checkSentences(sentences, text) {
  if (!Array.isArray(sentences)) return null;
  const length = charCount(text);
  let last = 0;
  for (const s of sentences) {
    const ok =
      Number.isInteger(s?.start) &&
      Number.isInteger(s?.end) &&
      last <= s.start &&
      s.start < s.end &&
      s.end <= length &&
      (s.label === "positive" || s.label === "negative") &&
      typeof s.probability === "number" &&
      Number.isFinite(s.probability);
    if (!ok) return null;
    last = s.end;
  }
  return sentences;
}

/** Splits text into [{text, sentence?}]: each sentence with its answer, and the gaps between. */
function sentenceSegments(text, sentences) {
  const chars = Array.from(text);
  const segments = [];
  let last = 0;
  for (const sentence of sentences) {
    if (sentence.start > last) segments.push({ text: chars.slice(last, sentence.start).join("") });
    segments.push({ text: chars.slice(sentence.start, sentence.end).join(""), sentence });
    last = sentence.end;
  }
  if (last < chars.length) segments.push({ text: chars.slice(last).join("") });
  return segments;
}

// Python's len() counts code points, and so does the service's limit; String.length would count
// an emoji twice.
function charCount(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

const fmt = (n) => n.toLocaleString("en-US");
const percentOf = (p) => `${(Math.round(p * 1000) / 10).toFixed(1)}%`;
const signed = (w) => (w > 0 ? "+" : w < 0 ? "\u2212" : "\u00b1") + Math.abs(w).toFixed(3);

// ---- API -----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, kind, code = null) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.code = code; // the contract's error code, when the service sent one
  }
}

async function loadApiBase() {
  // config.json is written at deploy time; locally it is absent and the API shares our origin.
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) return "";
    const config = await response.json();
    const url = typeof config?.apiBaseUrl === "string" ? config.apiBaseUrl.trim() : "";
    if (!url) return "";
    const parsed = new URL(url); // throws on garbage, which falls back to same origin
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "";
    return parsed.href.replace(/\/+$/, "");
  } catch {
    return "";
  }
}

async function requestJson(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { ...options, signal: controller.signal });
  } catch (error) {
    throw new ApiError(
      error.name === "AbortError" ? MESSAGES.timeout : MESSAGES.network,
      error.name === "AbortError" ? "timeout" : "network",
    );
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // error pages from gateways are often HTML; the status still says enough
  }
  if (response.ok) {
    if (body === null || typeof body !== "object") {
      throw new ApiError(MESSAGES.badResponse, "bad_response");
    }
    return body;
  }
  if (response.status === 429) throw new ApiError(MESSAGES.throttled, "throttled");
  if (response.status >= 500) throw new ApiError(MESSAGES.server(response.status), "server");
  const apiMessage = body?.error?.message;
  const code = body?.error?.code;
  throw new ApiError(
    typeof apiMessage === "string" && apiMessage ? apiMessage : MESSAGES.rejected(response.status),
    "rejected",
    typeof code === "string" ? code : null,
  );
}

function isPrediction(body) {
  return (
    (body.label === "positive" || body.label === "negative") &&
    typeof body.probability === "number" &&
    Number.isFinite(body.probability)
  );
}

// ---- page ----------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const els = {
  form: $("review-form"),
  review: $("review"),
  counter: $("counter"),
  analyze: $("analyze"),
  buttonText: document.querySelector("#analyze .button-text"),
  shortcut: $("shortcut"),
  examples: document.querySelectorAll("button.example"),
  message: $("message"),
  result: $("result"),
  label: $("label"),
  probabilityText: $("probability-text"),
  meter: $("probability-meter"),
  sentences: $("sentences"),
  sentenceLegend: $("sentence-legend"),
  sentenceText: $("sentence-text"),
  sentencesNote: $("sentences-note"),
  explanation: $("explanation"),
  highlighted: $("highlighted"),
  noWords: $("no-words"),
  topWords: $("top-words"),
  modelInfo: $("model-info"),
  docsLink: $("docs-link"),
  cardLink: $("card-link"),
  meterRow: $("meter-row"),
};

const state = {
  apiBase: "",
  maxChars: DEFAULT_MAX_CHARS,
  maxSentences: DEFAULT_MAX_SENTENCES,
  busy: false,
};
const ready = loadApiBase().then((base) => {
  state.apiBase = base;
  els.docsLink.href = `${base}/docs`;
  els.cardLink.href = `${base}/v1/model/card`;
});

function updateCounter() {
  const n = charCount(els.review.value);
  const over = n > state.maxChars;
  els.counter.textContent = over
    ? `${fmt(n)} / ${fmt(state.maxChars)} \u2014 ${fmt(n - state.maxChars)} over the limit`
    : `${fmt(n)} / ${fmt(state.maxChars)}`;
  els.counter.classList.toggle("over", over);
  els.review.setAttribute("aria-invalid", String(over));
}

function showMessage(text) {
  els.message.textContent = text;
  els.message.hidden = false;
}

function clearMessage() {
  els.message.hidden = true;
  els.message.textContent = "";
}

function setBusy(busy) {
  state.busy = busy;
  // A focused button that gets disabled drops keyboard focus to <body>; remember who had it.
  const focused = document.activeElement;
  for (const button of [els.analyze, ...els.examples]) button.disabled = busy;
  els.form.setAttribute("aria-busy", String(busy));
  els.result.setAttribute("aria-busy", String(busy));
  els.buttonText.textContent = busy ? "Analyzing\u2026" : "Analyze";
  if (busy) {
    state.restoreFocus = focused instanceof HTMLButtonElement ? focused : null;
  } else if (state.restoreFocus && document.activeElement === document.body) {
    state.restoreFocus.focus();
  }
}

function renderPrediction(body, text, sentencesNote = "") {
  if (body.words_used === 0) {
    // The model knows none of the words: its probability would only be its prior.
    renderCannotJudge();
    return;
  }
  renderSentences(text, checkSentences(body.sentences, text), sentencesNote);
  els.meterRow.hidden = false;
  const p = body.probability;
  const percent = Math.round(p * 1000) / 10;
  els.label.textContent = body.label === "positive" ? "Positive" : "Negative";
  els.label.className = `label label-${body.label}`;
  els.probabilityText.textContent = `${percentOf(p)} probability positive`;
  els.meter.setAttribute("aria-valuenow", String(percent));
  els.meter.setAttribute("aria-valuetext", `${percentOf(p)} positive`);
  els.meter.style.setProperty("--value", String(p));
  els.meter.dataset.label = body.label;
  els.result.hidden = false;

  const explanation = Array.isArray(body.explanation)
    ? body.explanation.filter(
        (e) => typeof e?.word === "string" && typeof e?.weight === "number" && isFinite(e.weight),
      )
    : null;
  if (explanation === null) {
    els.explanation.hidden = true;
  } else {
    renderExplanation(text, explanation);
  }
  if (typeof body.model_version === "string") state.modelVersion = body.model_version;
}

function renderCannotJudge() {
  els.label.textContent = "Cannot judge";
  els.label.className = "label label-unknown";
  els.probabilityText.textContent =
    "The model knows none of these words, so it cannot say whether this is positive or negative.";
  els.meterRow.hidden = true;
  els.explanation.hidden = true;
  els.sentences.hidden = true;
  els.result.hidden = false;
}

/** Each sentence in place, marked by its label; shown only for more than one sentence. */
function renderSentences(text, sentences, note) {
  const shown = sentences !== null && sentences.length > 1;
  els.sentenceLegend.hidden = !shown;
  els.sentenceText.hidden = !shown;
  els.sentencesNote.textContent = note;
  els.sentencesNote.hidden = !note;
  els.sentences.hidden = !shown && !note;
  if (!shown) {
    els.sentenceText.replaceChildren();
    return;
  }
  const fragment = document.createDocumentFragment();
  for (const segment of sentenceSegments(text, sentences)) {
    if (segment.sentence === undefined) {
      fragment.append(segment.text);
      continue;
    }
    const s = segment.sentence;
    // Like the whole text: no known word, no verdict, whatever the prior says.
    const kind = s.words_used === 0 ? "unknown" : s.label;
    const percent = percentOf(s.probability);
    const span = document.createElement("span");
    span.className = `sentence sentence-${kind}`;
    span.dataset.label = kind;
    span.dataset.probability = String(s.probability);
    const said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent =
      kind === "unknown"
        ? "Sentence the model cannot judge: "
        : `${kind === "positive" ? "Positive" : "Negative"} sentence, ${percent} probability positive: `;
    const body = document.createElement("span");
    body.className = "sentence-body";
    body.textContent = segment.text;
    const score = document.createElement("span");
    score.className = "sentence-score";
    score.setAttribute("aria-hidden", "true");
    score.textContent = kind === "unknown" ? "?" : percent;
    span.append(said, body, score);
    fragment.append(span);
  }
  els.sentenceText.replaceChildren(fragment);
}

function renderExplanation(text, explanation) {
  const maxAbs = Math.max(0, ...explanation.map((e) => Math.abs(e.weight)));
  const fragment = document.createDocumentFragment();
  for (const segment of segmentText(text, explanation)) {
    if (segment.weight === undefined) {
      fragment.append(segment.text);
      continue;
    }
    const mark = document.createElement("mark");
    const w = segment.weight;
    mark.className = w > 0 ? "word word-pos" : w < 0 ? "word word-neg" : "word word-zero";
    mark.dataset.weight = String(w);
    mark.style.setProperty("--strength", maxAbs > 0 ? (Math.abs(w) / maxAbs).toFixed(3) : "0");
    mark.title = `weight ${signed(w)}`;
    mark.textContent = segment.text;
    fragment.append(mark);
  }
  els.highlighted.replaceChildren(fragment);
  els.noWords.hidden = explanation.length > 0;

  const top = [...explanation]
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, TOP_WORDS);
  els.topWords.replaceChildren(
    ...top.map((e) => {
      const li = document.createElement("li");
      li.className = e.weight > 0 ? "pos" : e.weight < 0 ? "neg" : "zero";
      const word = document.createElement("span");
      word.className = "top-word";
      word.textContent = e.word;
      const bar = document.createElement("span");
      bar.className = "top-bar";
      bar.setAttribute("aria-hidden", "true");
      bar.style.setProperty("--strength", maxAbs > 0 ? String(Math.abs(e.weight) / maxAbs) : "0");
      const weight = document.createElement("span");
      weight.className = "top-weight";
      weight.textContent = signed(e.weight);
      li.append(word, bar, weight);
      return li;
    }),
  );
  els.topWords.previousElementSibling.hidden = top.length === 0;
  els.explanation.hidden = false;
}

async function analyze() {
  if (state.busy) return;
  const text = els.review.value;
  const n = charCount(text);
  if (!text.trim()) {
    showMessage(MESSAGES.empty);
    els.review.focus();
    return;
  }
  if (n > state.maxChars) {
    showMessage(MESSAGES.tooLong(n, state.maxChars));
    els.review.focus();
    return;
  }
  clearMessage();
  setBusy(true);
  try {
    await ready;
    let body;
    let note = "";
    try {
      body = await predict(text, true);
    } catch (error) {
      // A review of too many sentences still gets its whole-text answer.
      if (!(error instanceof ApiError) || error.code !== "too_many_sentences") throw error;
      body = await predict(text, false);
      note = MESSAGES.tooManySentences(state.maxSentences);
    }
    if (!isPrediction(body)) throw new ApiError(MESSAGES.badResponse, "bad_response");
    renderPrediction(body, text, note);
  } catch (error) {
    // Drop the previous result so it cannot be mistaken for the answer to this review.
    els.result.hidden = true;
    els.explanation.hidden = true;
    els.sentences.hidden = true;
    showMessage(error instanceof ApiError ? error.message : MESSAGES.badResponse);
    if (!(error instanceof ApiError)) console.error(error);
  } finally {
    setBusy(false);
  }
}

function predict(text, sentences) {
  return requestJson(`${state.apiBase}/v1/predict`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text, explain: true, sentences }),
  });
}

async function loadModelInfo() {
  await ready;
  let info;
  try {
    info = await requestJson(`${state.apiBase}/v1/model`, { cache: "no-store" });
  } catch {
    els.modelInfo.textContent = "Model details are unavailable right now.";
    return;
  }
  const limit = info?.limits?.max_text_chars;
  if (Number.isInteger(limit) && limit > 0) {
    state.maxChars = limit;
    updateCounter();
  }
  const maxSentences = info?.limits?.max_sentences;
  if (Number.isInteger(maxSentences) && maxSentences > 0) state.maxSentences = maxSentences;
  // The int8 model is the one that answers, so its accuracy is the one to show; the service says
  // what it was measured on ("test (25,000 reviews)"), so the page names no split itself.
  const version = firstOf("string", info.model_version);
  const accuracy = firstOf("number", info.accuracy?.int8);
  const split = firstOf("string", info.evaluated_on);
  const parts = [version ? `Model ${version}` : "Model version unknown"];
  if (accuracy !== undefined && accuracy >= 0 && accuracy <= 1) {
    parts.push(`${(accuracy * 100).toFixed(1)}% accuracy${split ? ` on ${split}` : ""}`);
  }
  els.modelInfo.textContent = parts.join(" \u00b7 ");
}

/** The first value of the given type that is usable (a non-empty string, a finite number). */
function firstOf(type, ...values) {
  return values.find(
    (v) => typeof v === type && (type === "number" ? Number.isFinite(v) : v !== ""),
  );
}

function isMac() {
  const platform = navigator.userAgentData?.platform ?? navigator.platform ?? "";
  return /mac|iphone|ipad/i.test(platform);
}

function init() {
  if (isMac()) {
    els.shortcut.querySelector("kbd").textContent = "Cmd";
  }
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    analyze();
  });
  els.form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      analyze();
    }
  });
  els.review.addEventListener("input", updateCounter);
  for (const button of els.examples) {
    button.addEventListener("click", () => {
      els.review.value = EXAMPLES[button.dataset.example] ?? "";
      updateCounter();
      analyze();
    });
  }
  updateCounter();
  loadModelInfo();
}

init();

// Exposed for the in-browser unit tests (tests/frontend); not used by the page itself.
window.sentimentPage = { segmentText, charCount, sentenceSegments, checkSentences };
