/* Runs static/app.js in Node against a live simulator with a minimal fake DOM, and plays
 * a conversation like a person would (clicks, typing, file input). Used by
 * test_sim_page.py when Node is available; the Playwright test covers a real browser.
 *
 * usage: node ui_harness.js BASE_URL ACCESS_TOKEN PHONE_NUMBER_ID
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [BASE, TOKEN, PNID] = process.argv.slice(2);
const STATIC = path.join(__dirname, "..", "static");
const CITIZEN = "919000000001";

// ---------------------------------------------------------------- fake DOM
class FakeNode {
  constructor() { this.childNodes = []; this.parentNode = null; }
  get firstChild() { return this.childNodes[0] || null; }
  get textContent() { return this.childNodes.map((c) => c.textContent).join(""); }
  set textContent(value) {
    this.childNodes.forEach((c) => { c.parentNode = null; });
    this.childNodes = [];
    if (value !== "" && value !== null && value !== undefined) this.appendChild(new FakeText(String(value)));
  }
  appendChild(child) {
    if (child.isFragment) { child.childNodes.slice().forEach((c) => this.appendChild(c)); return child; }
    if (child.parentNode) child.parentNode.removeChild(child);
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }
  insertBefore(child, ref) {
    if (!ref) return this.appendChild(child);
    if (child.parentNode) child.parentNode.removeChild(child);
    child.parentNode = this;
    this.childNodes.splice(this.childNodes.indexOf(ref), 0, child);
    return child;
  }
  removeChild(child) {
    this.childNodes = this.childNodes.filter((c) => c !== child);
    child.parentNode = null;
    return child;
  }
  remove() { if (this.parentNode) this.parentNode.removeChild(this); }
}

class FakeText extends FakeNode {
  constructor(data) { super(); this.data = data; }
  get textContent() { return this.data; }
  cloneNode() { return new FakeText(this.data); }
}

class FakeElement extends FakeNode {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.listeners = {};
    this.value = "";
    this.hidden = false;
    this.scrollTop = 0; this.scrollHeight = 0; this.clientHeight = 0;
    if (this.tagName === "FORM") {
      // Named access to form controls, as browsers do (form.phone, form.label, ...).
      return new Proxy(this, {
        get(target, prop, receiver) {
          if (prop in target || typeof prop !== "string") return Reflect.get(target, prop, receiver);
          return target.querySelector(`[name=${prop}]`) || undefined;
        },
      });
    }
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
    if (name === "value") this.value = String(value);
    if (name === "hidden") this.hidden = true;
  }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  get className() { return this.attributes.class || ""; }
  set className(value) { this.attributes.class = value; }
  get classList() {
    return {
      add: (c) => { const s = new Set(this.className.split(/\s+/).filter(Boolean)); s.add(c); this.className = [...s].join(" "); },
      contains: (c) => this.className.split(/\s+/).includes(c),
    };
  }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, extra) {
    const event = Object.assign({ type, target: this, preventDefault() {} }, extra || {});
    (this.listeners[type] || []).forEach((fn) => fn(event));
  }
  click() {
    this.dispatch("click");
    if (this.getAttribute("type") === "submit") {
      let form = this.parentNode;
      while (form && form.tagName !== "FORM") form = form.parentNode;
      if (form) form.dispatch("submit", { target: form });
    }
  }
  reset() { this.querySelectorAll("input").forEach((i) => { i.value = i.getAttribute("value") || ""; }); }
  cloneNode(deep) {
    const copy = this.isFragment ? new FakeFragment() : new FakeElement(this.tagName.toLowerCase());
    Object.assign(copy.attributes, this.attributes);
    copy.value = this.value; copy.hidden = this.hidden;
    if (this.content) copy.content = this.content;
    if (deep) this.childNodes.forEach((c) => copy.appendChild(c.cloneNode(true)));
    return copy;
  }
  *descendants() {
    for (const child of this.childNodes) {
      if (child instanceof FakeElement) { yield child; yield* child.descendants(); }
    }
  }
  querySelectorAll(selector) { return [...this.descendants()].filter((e) => matches(e, selector, this)); }
  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
}

class FakeFragment extends FakeElement {
  constructor() { super("#fragment"); this.isFragment = true; }
}

function matchCompound(el, compound) {
  const tag = /^[a-zA-Z]+/.exec(compound);
  if (tag && el.tagName !== tag[0].toUpperCase()) return false;
  const re = /\.([\w-]+)|#([\w-]+)|\[([\w-]+)(?:="?([^\]"]*)"?)?\]/g;
  let m;
  while ((m = re.exec(compound)) !== null) {
    if (m[1] && !el.classList.contains(m[1])) return false;
    if (m[2] && el.getAttribute("id") !== m[2]) return false;
    if (m[3]) {
      const value = el.getAttribute(m[3]);
      if (value === null) return false;
      if (m[4] !== undefined && value !== m[4]) return false;
    }
  }
  return true;
}

function matches(el, selector, scope) {
  const parts = selector.trim().split(/\s+/);
  if (!matchCompound(el, parts[parts.length - 1])) return false;
  let node = el.parentNode;
  for (let i = parts.length - 2; i >= 0; i--) {
    while (node && node !== scope.parentNode && !(node instanceof FakeElement && matchCompound(node, parts[i]))) {
      node = node.parentNode;
    }
    if (!node || node === scope.parentNode) return false;
    node = node.parentNode;
  }
  return true;
}

function parseHTML(html) {
  const root = new FakeElement("html");
  const stack = [root];
  const VOID = new Set(["input", "meta", "link", "br", "img"]);
  const re = /<!--[\s\S]*?-->|<![^>]*>|<(\/?)([a-zA-Z0-9-]+)([^>]*)>|([^<]+)/g;
  let m;
  while ((m = re.exec(html)) !== null) {
    const top = stack[stack.length - 1];
    if (m[4] !== undefined) { if (m[4].trim()) top.appendChild(new FakeText(m[4])); continue; }
    if (!m[2]) continue;
    const tag = m[2].toLowerCase();
    if (m[1]) {
      while (stack.length > 1 && stack.pop().tagName !== tag.toUpperCase()) { /* unwind */ }
      continue;
    }
    const el = new FakeElement(tag);
    const attrRe = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;
    let a;
    while ((a = attrRe.exec(m[3])) !== null) el.setAttribute(a[1], a[2] === undefined ? "" : a[2]);
    if (tag === "template") {
      el.content = new FakeFragment();
      top.appendChild(el);
      stack.push(el.content);
      el.content.tagName = "TEMPLATE";
      continue;
    }
    top.appendChild(el);
    if (!VOID.has(tag)) stack.push(el);
  }
  return root;
}

// ---------------------------------------------------------------- globals for app.js
const tree = parseHTML(fs.readFileSync(path.join(STATIC, "index.html"), "utf8"));
const document = {
  visibilityState: "visible",
  createElement: (tag) => new FakeElement(tag),
  createTextNode: (text) => new FakeText(text),
  getElementById: (id) => tree.querySelector(`#${id}`),
  querySelector: (sel) => tree.querySelector(sel),
  querySelectorAll: (sel) => tree.querySelectorAll(sel),
};
const realFetch = globalThis.fetch;
class FakeFileReader {
  readAsDataURL(file) {
    setTimeout(() => {
      this.result = `data:${file.type};base64,${Buffer.from(file.bytes).toString("base64")}`;
      this.onload();
    }, 0);
  }
}
const errors = [];
Object.assign(globalThis, {
  document,
  window: { confirm: () => true, alert: (text) => errors.push(text) },
  FileReader: FakeFileReader,
  fetch: (url, options) => realFetch(BASE + url, options),
});
vm.runInThisContext(fs.readFileSync(path.join(STATIC, "app.js"), "utf8"), { filename: "app.js" });

// ---------------------------------------------------------------- scenario helpers
function assert(condition, message) { if (!condition) throw new Error("assertion failed: " + message); }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what, fn, timeout = 6000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(50);
  }
}
const phoneRoot = (number) => tree.querySelector(`[data-phone=${number}]`);
const byText = (root, selector, text) => root.querySelectorAll(selector).find((e) => e.textContent.includes(text));

async function botSends(body) {
  const response = await realFetch(`${BASE}/v25.0/${PNID}/messages`, {
    method: "POST",
    headers: { "Authorization": `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(Object.assign({ messaging_product: "whatsapp", to: CITIZEN }, body)),
  });
  const data = await response.json();
  assert(response.status === 200, JSON.stringify(data));
  return data.messages[0].id;
}

async function lastInbound(count, number = CITIZEN) {
  return waitFor(`${count} inbound messages`, async () => {
    const data = await (await realFetch(`${BASE}/_sim/api/phones/${number}/messages`)).json();
    const inbound = data.messages.filter((m) => m.direction === "in");
    return inbound.length >= count ? inbound[count - 1].payload : null;
  });
}

// ---------------------------------------------------------------- the conversation
async function main() {
  const phone = await waitFor("citizen phone", () => phoneRoot(CITIZEN));
  const input = phone.querySelector(".composer input[name=text]");
  input.value = "नमस्ते";
  phone.querySelector(".composer button.send").click();
  assert((await lastInbound(1)).text.body === "नमस्ते", "text");
  await waitFor("own bubble", () => byText(phone, ".msg.in", "नमस्ते"));

  const buttonsId = await botSends({
    type: "interactive",
    interactive: {
      type: "button", header: { type: "text", text: "Satark" }, body: { text: "भाषा चुनें" },
      footer: { text: "footer" },
      action: { buttons: [{ type: "reply", reply: { id: "lang_hi", title: "हिंदी" } },
        { type: "reply", reply: { id: "lang_en", title: "English" } }] },
    },
  });
  (await waitFor("reply button", () => byText(phone, "button.reply-button", "हिंदी"))).click();
  let reply = await lastInbound(2);
  assert(reply.interactive.button_reply.id === "lang_hi" && reply.context.id === buttonsId, "button reply");

  const listId = await botSends({
    type: "interactive",
    interactive: {
      type: "list", body: { text: "श्रेणी चुनें" },
      action: { button: "श्रेणियाँ", sections: [{ title: "अपराध", rows: [
        { id: "cat_liquor", title: "शराब", description: "अवैध शराब" }, { id: "cat_drugs", title: "नशा" }] }] },
    },
  });
  (await waitFor("list opener", () => phone.querySelector("button.list-open"))).click();
  (await waitFor("list row", () => byText(phone, "button.list-row", "शराब"))).click();
  reply = await lastInbound(3);
  assert(reply.interactive.list_reply.id === "cat_liquor" && reply.context.id === listId, "list reply");
  assert(reply.interactive.list_reply.description === "अवैध शराब", "list description");

  const requestId = await botSends({
    type: "interactive",
    interactive: { type: "location_request_message", body: { text: "स्थान" }, action: { name: "send_location" } },
  });
  (await waitFor("send location", () => phone.querySelector("button.send-location"))).click();
  assert(!phone.querySelector(".location-panel").hidden, "location panel shown");
  phone.querySelector(".location-panel button.location-send").click();
  reply = await lastInbound(4);
  assert(reply.location.latitude === 25.58 && reply.location.longitude === 83.58, "location");
  assert(reply.context.id === requestId, "location context");

  const photo = phone.querySelector("input[type=file].photo");
  photo.files = [{ type: "image/png", name: "e.png", bytes: [137, 80, 78, 71, 1, 2, 3] }];
  photo.dispatch("change", { target: photo });
  reply = await lastInbound(5);
  assert(reply.type === "image" && reply.image.mime_type === "image/png", "photo");
  await waitFor("own photo", () => phone.querySelector(".msg.in img.media"));

  await botSends({
    type: "template",
    template: { name: "officer_task_assigned", language: { code: "hi" }, components: [
      { type: "body", parameters: [{ type: "text", text: "TIP-7" }] },
      { type: "button", sub_type: "quick_reply", index: "0", parameters: [{ type: "payload", payload: "ack:7" }] }] },
  });
  await waitFor("template", () => byText(phone, ".msg.out.template", "TIP-7"));
  phone.querySelector("button.template-button").click();
  reply = await lastInbound(6);
  assert(reply.type === "button" && reply.button.payload === "ack:7", "template button");

  await botSends({ type: "image", image: { link: "http://127.0.0.1:9/x.png", caption: "फोटो" } });
  await botSends({ type: "reaction", reaction: { message_id: reply.id, emoji: "👍" } });
  await waitFor("bot image", () => phone.querySelector(".msg.out img.media"));
  await waitFor("reaction badge", () => byText(phone, ".reaction-badge", "👍"));
  await waitFor("read ticks", () => phone.querySelector(`.msg.out[data-wamid=${buttonsId}] .ticks[data-status=read]`));

  const form = tree.querySelector("form.add-phone");
  form.querySelector("input[name=phone]").value = "+91 98765 43210";
  form.querySelector("input[name=label]").value = "Officer";
  form.dispatch("submit", { target: form });
  const officer = await waitFor("officer phone", () => phoneRoot("919876543210"));
  assert(officer.querySelector(".phone-label").textContent === "Officer", "officer label");

  const text = tree.textContent;
  assert(!text.includes("undefined") && !text.includes("[object"), "no undefined in page text");
  assert(errors.length === 0, "no alerts: " + errors.join(";"));
  console.log("ui harness ok");
  process.exit(0);
}

main().catch((err) => { console.error(err.stack || String(err)); process.exit(1); });
